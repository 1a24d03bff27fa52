package onekey.softphone.audio;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Audio sources and sinks: the sound card ({@code javax.sound.sampled}), WAV files, silence. The flags
 * {@code --audio-in FILE|silence|soundcard} and {@code --audio-out FILE|none|soundcard} pick them.
 */
public final class Audio {

    public static final AudioFormat PCM_8K = new AudioFormat(8000f, 16, 1, true, false);

    private Audio() {
    }

    /** {@code silence}, {@code soundcard}, or a WAV file to loop; null/empty: the sound card if there is one, else silence. */
    public static AudioSource source(String spec) throws IOException {
        if (spec == null || spec.isBlank()) {
            return hasSoundCard() ? new SoundCardSource() : new Silence();
        }
        return switch (spec) {
            case "silence" -> new Silence();
            case "soundcard" -> new SoundCardSource();
            default -> WavLoop.of(Path.of(spec));
        };
    }

    /** {@code none}, {@code soundcard}, or a WAV file to record into; null/empty: the sound card if there is one, else none. */
    public static AudioSink sink(String spec) throws IOException {
        if (spec == null || spec.isBlank()) {
            return hasSoundCard() ? new SoundCardSink() : new NoSink();
        }
        return switch (spec) {
            case "none" -> new NoSink();
            case "soundcard" -> new SoundCardSink();
            default -> new WavRecorder(Path.of(spec));
        };
    }

    public static boolean hasSoundCard() {
        try {
            return AudioSystem.isLineSupported(new DataLine.Info(SourceDataLine.class, PCM_8K))
                    && AudioSystem.isLineSupported(new DataLine.Info(TargetDataLine.class, PCM_8K))
                    && AudioSystem.getMixerInfo().length > 0;
        } catch (RuntimeException | Error e) {
            return false;
        }
    }

    public static final class Silence implements AudioSource {
        @Override
        public short[] read() {
            return new short[FRAME];
        }
    }

    public static final class NoSink implements AudioSink {
        @Override
        public void write(short[] frame) {
        }
    }

    /** A WAV file (any PCM format Java can convert to 8 kHz mono 16-bit) played in a loop. */
    public static final class WavLoop implements AudioSource {
        private final short[] samples;
        private int pos;

        public WavLoop(short[] samples) {
            if (samples.length == 0) {
                throw new IllegalArgumentException("audio file has no samples");
            }
            this.samples = samples;
        }

        public static WavLoop of(Path file) throws IOException {
            return new WavLoop(readWav(file));
        }

        @Override
        public synchronized short[] read() {
            short[] f = new short[FRAME];
            for (int i = 0; i < FRAME; i++) {
                f[i] = samples[pos];
                pos = (pos + 1) % samples.length;
            }
            return f;
        }
    }

    /** Reads a WAV file as 8 kHz mono 16-bit samples. */
    public static short[] readWav(Path file) throws IOException {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile());
             AudioInputStream pcm = AudioSystem.getAudioInputStream(PCM_8K, in)) {
            byte[] b = pcm.readAllBytes();
            short[] s = new short[b.length / 2];
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
            return s;
        } catch (UnsupportedAudioFileException | IllegalArgumentException e) {
            throw new IOException("cannot read " + file + " as 8 kHz mono PCM WAV: " + e.getMessage(), e);
        }
    }

    /** Writes 8 kHz mono 16-bit samples as a WAV file. */
    public static void writeWav(Path file, short[] samples) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.asShortBuffer().put(samples);
        try (AudioInputStream in = new AudioInputStream(new java.io.ByteArrayInputStream(b.array()), PCM_8K, samples.length)) {
            AudioSystem.write(in, javax.sound.sampled.AudioFileFormat.Type.WAVE, file.toFile());
        }
    }

    /**
     * Records everything it is given into a WAV file; the header is rewritten after every second of audio so
     * the file is readable while the call goes on, and at close.
     */
    public static final class WavRecorder implements AudioSink {
        private final Path file;
        private final RandomAccessFile raf;
        private long dataBytes;
        private long peak;
        private long loudFrames;

        public WavRecorder(Path file) throws IOException {
            this.file = file;
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.raf = new RandomAccessFile(file.toFile(), "rw");
            raf.setLength(0);
            raf.write(header(0));
        }

        private static byte[] header(long dataBytes) {
            ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
            h.put("RIFF".getBytes()).putInt((int) (36 + dataBytes)).put("WAVE".getBytes());
            h.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(8000).putInt(16000)
                    .putShort((short) 2).putShort((short) 16);
            h.put("data".getBytes()).putInt((int) dataBytes);
            return h.array();
        }

        @Override
        public synchronized void write(short[] frame) {
            ByteBuffer b = ByteBuffer.allocate(frame.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            int framePeak = 0;
            for (short s : frame) {
                b.putShort(s);
                framePeak = Math.max(framePeak, Math.abs((int) s));
            }
            peak = Math.max(peak, framePeak);
            if (framePeak > 1000) {
                loudFrames++;
            }
            try {
                raf.seek(44 + dataBytes);
                raf.write(b.array());
                dataBytes += b.capacity();
                if (dataBytes % 16000 < b.capacity()) {
                    raf.seek(0);
                    raf.write(header(dataBytes));
                }
            } catch (IOException e) {
                // a full disk must not stop the call: the recording is best effort
            }
        }

        /** Frames of 20 ms whose peak was above 1000 (about -30 dBFS): heard audio, not silence or noise. */
        public synchronized long loudFrames() {
            return loudFrames;
        }

        public Path file() {
            return file;
        }

        @Override
        public synchronized void close() {
            try {
                raf.seek(0);
                raf.write(header(dataBytes));
                raf.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    /** The sound card's microphone, read ahead by the line's buffer. */
    public static final class SoundCardSource implements AudioSource {
        private final TargetDataLine line;

        public SoundCardSource() throws IOException {
            try {
                line = AudioSystem.getTargetDataLine(PCM_8K);
                line.open(PCM_8K, FRAME * 2 * 4);
                line.start();
            } catch (LineUnavailableException | IllegalArgumentException e) {
                throw new IOException("no microphone: " + e.getMessage(), e);
            }
        }

        @Override
        public short[] read() {
            byte[] b = new byte[FRAME * 2];
            int n = line.available() >= b.length ? line.read(b, 0, b.length) : 0;
            short[] s = new short[FRAME];
            if (n == b.length) {
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
            }
            return s;
        }

        @Override
        public void close() {
            line.close();
        }
    }

    /** The sound card's speaker. */
    public static final class SoundCardSink implements AudioSink {
        private final SourceDataLine line;

        public SoundCardSink() throws IOException {
            try {
                line = AudioSystem.getSourceDataLine(PCM_8K);
                line.open(PCM_8K, AudioSource.FRAME * 2 * 4);
                line.start();
            } catch (LineUnavailableException | IllegalArgumentException e) {
                throw new IOException("no speaker: " + e.getMessage(), e);
            }
        }

        @Override
        public void write(short[] frame) {
            ByteBuffer b = ByteBuffer.allocate(frame.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            b.asShortBuffer().put(frame);
            if (line.available() >= b.capacity()) {
                line.write(b.array(), 0, b.capacity());
            }
        }

        @Override
        public void close() {
            line.close();
        }
    }

    /** A sine tone, for tests and the ring-back. */
    public static short[] tone(double hz, double seconds, int amplitude) {
        short[] s = new short[(int) (8000 * seconds)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (amplitude * Math.sin(2 * Math.PI * hz * i / 8000));
        }
        return s;
    }
}
