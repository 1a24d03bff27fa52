package onekey.softphone.audio;

/** Where the phone's received audio goes: 8 kHz mono 16-bit frames. */
public interface AudioSink extends AutoCloseable {
    void write(short[] frame);

    @Override
    default void close() {
    }
}
