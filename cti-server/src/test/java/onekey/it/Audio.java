package onekey.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import onekey.tts.WavInfo;

/** Measures a 16-bit PCM WAV recording: is there real audio in it? */
final class Audio {
    private Audio() {
    }

    /** Root-mean-square amplitude of all samples, 0..1 of full scale. */
    static double rms(Path wav) throws IOException {
        byte[] all = Files.readAllBytes(wav);
        WavInfo info = WavInfo.read(wav);
        int dataStart = (int) (all.length - info.dataBytes());
        ByteBuffer b = ByteBuffer.wrap(all, dataStart, (int) info.dataBytes()).order(ByteOrder.LITTLE_ENDIAN);
        double sum = 0;
        long n = 0;
        while (b.remaining() >= 2) {
            double s = b.getShort() / 32768.0;
            sum += s * s;
            n++;
        }
        return n == 0 ? 0 : Math.sqrt(sum / n);
    }
}
