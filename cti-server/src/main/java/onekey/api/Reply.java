package onekey.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.RandomAccessFile;
import java.util.Map;

/** What a route answers: a JSON document, or a (part of a) file streamed without copying it into memory. */
sealed interface Reply {

    record JsonReply(HttpResponseStatus status, Object body, Map<String, String> headers) implements Reply {}

    /** {@code file} is open and owned by the reply: the writer closes it when the bytes are sent. */
    record FileReply(HttpResponseStatus status, RandomAccessFile file, long offset, long length, String contentType,
                     Map<String, String> headers) implements Reply {}

    /** A small body already in memory, of any type (e.g. {@code /metrics}' text). Also a report's XLSX, PDF or CSV (issue 22). */
    record BytesReply(HttpResponseStatus status, byte[] body, String contentType, Map<String, String> headers)
            implements Reply {}

    static Reply ok(Object body) {
        return new JsonReply(HttpResponseStatus.OK, body, Map.of());
    }

    static Reply created(Object body) {
        return new JsonReply(HttpResponseStatus.CREATED, body, Map.of());
    }

    static Reply status(HttpResponseStatus status, Object body) {
        return new JsonReply(status, body, Map.of());
    }
}
