package onekey.telephony.agi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgiFlowChannelTest {

    @TempDir
    Path dir;

    /** A 16-bit mono 8 kHz WAV of {@code ms} milliseconds of silence. */
    static void wav(Path p, int ms) throws IOException {
        int data = 8 * ms * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + data).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + data).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(8000).putInt(16000)
                .putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes()).putInt(data);
        Files.write(p, b.array());
    }

    @Test
    void aPromptsLengthIsReadOnceForOneKeysOwnPromptsNamedByTheirHash() throws IOException {
        String hash = "ab".repeat(32);
        Path own = dir.resolve(hash + ".wav");
        wav(own, 1500);
        String ownPath = dir.resolve(hash).toString();
        assertThat(AgiFlowChannel.promptMillis(ownPath)).isEqualTo(1500);
        Files.delete(own); // its name says what it is: the length is remembered
        assertThat(AgiFlowChannel.promptMillis(ownPath)).isEqualTo(1500);

        // any other file is read each time: changed or gone, the answer follows
        Path other = dir.resolve("greeting.wav");
        wav(other, 700);
        String otherPath = dir.resolve("greeting").toString();
        assertThat(AgiFlowChannel.promptMillis(otherPath)).isEqualTo(700);
        wav(other, 2000);
        assertThat(AgiFlowChannel.promptMillis(otherPath)).isEqualTo(2000);
        Files.delete(other);
        assertThat(AgiFlowChannel.promptMillis(otherPath)).isZero();
        assertThat(AgiFlowChannel.promptMillis(dir.resolve("cd".repeat(32)).toString())).isZero();
    }
}
