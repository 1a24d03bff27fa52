package onekey.softphone.audio;

/** Where the phone's microphone audio comes from: 8 kHz mono 16-bit frames of 20 ms (160 samples). */
public interface AudioSource extends AutoCloseable {
    int FRAME = 160;

    /** The next 20 ms; never blocks for long (a file or silence returns at once, a sound card reads ahead). */
    short[] read();

    @Override
    default void close() {
    }
}
