package onekey.recording;

import onekey.tts.WavInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavInfoTest {

    static byte[] wav(int dataBytes, boolean headerFinal) {
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(headerFinal ? 36 + dataBytes : 0).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) 1).putInt(8000).putInt(16000)
                .putShort((short) 2).putShort((short) 16);
        b.putInt(0x61746164).putInt(headerFinal ? dataBytes : 0);
        return b.array();
    }

    @Test
    void aClosedRecordingIsCompleteWithItsDuration(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("a.wav");
        Files.write(f, wav(16000 * 3, true));
        WavInfo i = WavInfo.read(f);
        assertThat(i.complete()).isTrue();
        assertThat(i.durationMs()).isEqualTo(3000);
        assertThat(i.sampleRate()).isEqualTo(8000);
    }

    @Test
    void aRecordingStillBeingWrittenIsNotComplete(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("b.wav");
        Files.write(f, wav(1600, false));
        assertThat(WavInfo.read(f).complete()).isFalse();
    }

    @Test
    void notAWaveFileIsRefused(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.wav");
        Files.writeString(f, "hello, this is not audio at all");
        assertThatThrownBy(() -> WavInfo.read(f)).isInstanceOf(IOException.class).hasMessageContaining("not a RIFF");
    }
}
