package onekey.tts;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What the RIFF header of a WAV file says. Asterisk writes the header's sizes when MixMonitor closes
 * the file, so {@link #complete()} tells a finished recording from one still being written.
 */
public record WavInfo(long fileSize, long riffSize, int channels, int sampleRate, int bitsPerSample, long dataBytes) {

    public boolean complete() {
        return riffSize + 8 == fileSize && dataBytes > 0;
    }

    public long durationMs() {
        long bytesPerSecond = (long) sampleRate * channels * bitsPerSample / 8;
        return bytesPerSecond == 0 ? 0 : dataBytes * 1000 / bytesPerSecond;
    }

    public static WavInfo read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(size, 4096)).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, 0);
            b.flip();
            if (b.remaining() < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) { // "RIFF", "WAVE"
                throw new IOException("not a RIFF/WAVE file: " + file);
            }
            long riff = Integer.toUnsignedLong(b.getInt(4));
            int pos = 12;
            int channels = 0;
            int rate = 0;
            int bits = 0;
            long data = -1;
            while (pos + 8 <= b.limit()) {
                int id = b.getInt(pos);
                long len = Integer.toUnsignedLong(b.getInt(pos + 4));
                if (id == 0x20746d66 && pos + 24 <= b.limit()) { // "fmt "
                    channels = b.getShort(pos + 10);
                    rate = b.getInt(pos + 12);
                    bits = b.getShort(pos + 22);
                } else if (id == 0x61746164) { // "data"
                    data = len;
                    break;
                }
                pos += 8 + (int) len + (int) (len & 1);
            }
            return new WavInfo(size, riff, channels, rate, bits, Math.max(data, 0));
        }
    }
}
