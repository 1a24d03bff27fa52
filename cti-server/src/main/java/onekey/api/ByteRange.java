package onekey.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Locale;

/**
 * A single HTTP byte range (RFC 9110 §14): {@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}.
 * A header that is not one well-formed byte range (several ranges, another unit, garbage) is ignored and
 * the whole file is sent, as the RFC allows; a well-formed range that starts past the end is 416.
 */
record ByteRange(long start, long end) {

    long length() {
        return end - start + 1;
    }

    String contentRange(long size) {
        return "bytes " + start + "-" + end + "/" + size;
    }

    /** The range to send, or null for the whole file. @throws ApiException 416 when unsatisfiable */
    static ByteRange parse(String header, long size) {
        if (header == null) {
            return null;
        }
        String h = header.trim().toLowerCase(Locale.ROOT);
        if (!h.startsWith("bytes=")) {
            return null;
        }
        String spec = h.substring(6).trim();
        if (spec.contains(",")) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) {
                if (b.isEmpty()) {
                    return null;
                }
                long n = Long.parseLong(b);
                if (n < 0) {
                    return null;
                }
                if (n == 0 || size == 0) {
                    throw unsatisfiable(size);
                }
                return new ByteRange(Math.max(0, size - n), size - 1);
            }
            long start = Long.parseLong(a);
            long end = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (start < 0 || end < start) {
                return null;
            }
            if (start >= size) {
                throw unsatisfiable(size);
            }
            return new ByteRange(start, Math.min(end, size - 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static ApiException unsatisfiable(long size) {
        return new ApiException(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "range_not_satisfiable",
                "the requested range is outside the recording (" + size + " bytes)", null)
                .header("Content-Range", "bytes */" + size)
                .header("Accept-Ranges", "bytes");
    }
}
