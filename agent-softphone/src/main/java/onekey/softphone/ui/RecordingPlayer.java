package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.awt.FlowLayout;
import java.awt.GridLayout;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import javax.swing.AbstractAction;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JFileChooser;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JSlider;
import javax.swing.JTextField;
import javax.swing.KeyStroke;
import javax.swing.SwingUtilities;
import onekey.softphone.audio.AudioSink;
import onekey.softphone.cti.CtiClient;

/**
 * The desk's recordings player (issue 19 item 4): a call's recording played inside the window, with play / pause
 * (Ctrl+P), seek, speed and volume; download; legal hold. The audio comes by HTTP range requests
 * ({@code GET /api/recordings/{id}} with {@code Range: bytes=a-}), read as it arrives: a long recording starts at
 * once, and a seek is a new request from that byte. Each request is a {@code recording.play} audit row on the
 * server. The sound goes to the softphone's audio output ({@code --audio-out}: the sound card, or a WAV file), in
 * 20 ms frames of 8 kHz 16-bit mono, as the phone's; at speed 1 and full volume the samples are the recording's own.
 */
final class RecordingPlayer extends JPanel {
    static final int RATE = 8000;
    static final int FRAME = 160;
    static final String[] SPEEDS = {"0.5", "0.75", "1.0", "1.25", "1.5", "2.0"};

    private final I18n i18n;
    private final CtiClient cti;
    private final Executor work;
    private final Supplier<AudioSink> out;
    final JTextField call = new JTextField(8);
    private final JButton load = new JButton();
    final JButton play = new JButton();
    final JSlider seek = new JSlider(0, 0, 0);
    final JComboBox<String> speed = new JComboBox<>(SPEEDS);
    final JSlider volume = new JSlider(0, 100, 100);
    private final JLabel pos = new JLabel("0:00 / 0:00");
    private final JLabel state = new JLabel(" ");
    private final JButton download = new JButton();
    private final JTextField holdReason = new JTextField(16);
    private final JButton hold = new JButton();

    /** The loaded recording: its id, where its samples start in the file, how many bytes of samples. */
    private volatile long recordingId = -1;
    private volatile long dataStart;
    private volatile long dataBytes;
    /** Where play starts (a sample index), set by a seek while nothing plays. */
    private volatile long startSample;
    private volatile Session session;
    private boolean sliderByPlayback;

    RecordingPlayer(I18n i18n, CtiClient cti, Executor work, Supplier<AudioSink> out) {
        super(new GridLayout(0, 1, 4, 4));
        this.i18n = i18n;
        this.cti = cti;
        this.work = work;
        this.out = out;
        call.setName("playerCall");
        load.setName("playerLoad");
        load.setText(i18n.t("pl.load"));
        load.addActionListener(e -> load());
        play.setName("playerPlay");
        play.setText(i18n.t("pl.play"));
        play.setEnabled(false);
        play.addActionListener(e -> playPause());
        seek.setName("playerSeek");
        seek.setEnabled(false);
        seek.addChangeListener(e -> {
            if (!sliderByPlayback && !seek.getValueIsAdjusting()) {
                seekTo((long) seek.getValue() * RATE);
            }
        });
        speed.setName("playerSpeed");
        speed.setSelectedItem("1.0");
        volume.setName("playerVolume");
        pos.setName("playerPos");
        state.setName("playerState");
        download.setName("playerDownload");
        download.setText(i18n.t("pl.download"));
        download.setEnabled(false);
        download.addActionListener(e -> chooseDownload());
        holdReason.setName("playerHoldReason");
        hold.setName("playerHold");
        hold.setText(i18n.t("pl.hold"));
        hold.setEnabled(false);
        hold.addActionListener(e -> hold());

        JPanel row1 = new JPanel(new FlowLayout(FlowLayout.LEFT));
        row1.add(new JLabel(i18n.t("pl.call")));
        row1.add(call);
        row1.add(load);
        row1.add(state);
        JPanel row2 = new JPanel(new FlowLayout(FlowLayout.LEFT));
        row2.add(play);
        seek.setPreferredSize(new java.awt.Dimension(520, 40));
        row2.add(seek);
        row2.add(pos);
        JPanel row3 = new JPanel(new FlowLayout(FlowLayout.LEFT));
        row3.add(new JLabel(i18n.t("pl.speed")));
        row3.add(speed);
        row3.add(new JLabel(i18n.t("pl.volume")));
        row3.add(volume);
        row3.add(download);
        row3.add(new JLabel(i18n.t("pl.holdReason")));
        row3.add(holdReason);
        row3.add(hold);
        add(row1);
        add(row2);
        add(row3);
        getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW).put(KeyStroke.getKeyStroke(KeyEvent.VK_P, InputEvent.CTRL_DOWN_MASK), "play");
        getActionMap().put("play", new AbstractAction() {
            @Override
            public void actionPerformed(java.awt.event.ActionEvent e) {
                if (play.isEnabled()) {
                    playPause();
                }
            }
        });
    }

    /** Opens the recording of a call by its id (the desk's other lists call this too). */
    void open(long callId) {
        call.setText(Long.toString(callId));
        load();
    }

    private void load() {
        stop();
        long callId;
        try {
            callId = Long.parseLong(call.getText().trim());
        } catch (NumberFormatException e) {
            state.setText(i18n.t("pl.needCall"));
            return;
        }
        state.setText(i18n.t("pl.loading"));
        work.execute(() -> {
            try {
                JsonNode c = cti.request("GET", "/api/calls/" + callId, null);
                if (!c.hasNonNull("recordingId")) {
                    throw new IOException(i18n.t("pl.noRecording"));
                }
                long id = c.path("recordingId").asLong();
                // the WAV header: where the samples start and how many there are (the total size from Content-Range)
                HttpResponse<InputStream> r = cti.stream("/api/recordings/" + id, "bytes=0-4095");
                byte[] head;
                try (InputStream in = r.body()) {
                    if (r.statusCode() != 206 && r.statusCode() != 200) {
                        throw new IOException("HTTP " + r.statusCode() + " " + new String(in.readAllBytes(),
                                java.nio.charset.StandardCharsets.UTF_8));
                    }
                    head = in.readAllBytes();
                }
                long total = r.headers().firstValue("Content-Range").map(v -> Long.parseLong(v.substring(v.indexOf('/') + 1)))
                        .orElse((long) head.length);
                long[] data = dataChunk(head, total);
                SwingUtilities.invokeLater(() -> {
                    recordingId = id;
                    dataStart = data[0];
                    dataBytes = data[1];
                    startSample = 0;
                    sliderByPlayback = true;
                    seek.setMaximum((int) (samples() / RATE));
                    seek.setValue(0);
                    sliderByPlayback = false;
                    for (JComponent k : new JComponent[] {play, seek, download, hold}) {
                        k.setEnabled(true);
                    }
                    showPosition(0);
                    state.setText(String.format(i18n.t("pl.loaded"), id));
                });
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> state.setText(why));
            }
        });
    }

    private long samples() {
        return dataBytes / 2;
    }

    /**
     * The {@code data} chunk of a WAV file's first bytes: {start, length in bytes} (the length to the end of the file
     * when the header's is unset, as a recording still being written). Only 8 kHz 16-bit mono PCM, as MixMonitor writes.
     */
    static long[] dataChunk(byte[] head, long fileSize) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        if (head.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) { // "RIFF" … "WAVE"
            throw new IOException("not a WAV file");
        }
        int at = 12;
        boolean pcm8k = false;
        while (at + 8 <= head.length) {
            int id = b.getInt(at);
            long size = b.getInt(at + 4) & 0xFFFFFFFFL;
            if (id == 0x20746d66) { // "fmt "
                pcm8k = b.getShort(at + 8) == 1 && b.getShort(at + 10) == 1 && b.getInt(at + 12) == RATE
                        && b.getShort(at + 22) == 16;
            } else if (id == 0x61746164) { // "data"
                if (!pcm8k) {
                    throw new IOException("not 8 kHz 16-bit mono PCM");
                }
                long start = at + 8;
                long rest = fileSize - start;
                long len = size == 0 || size > rest ? rest : size;
                return new long[] {start, len - (len % 2)};
            }
            at += 8 + (int) (size + (size % 2));
        }
        throw new IOException("no data chunk in the first " + head.length + " bytes");
    }

    private void playPause() {
        Session s = session;
        if (s != null && !s.done) {
            s.pause(!s.paused);
            play.setText(s.paused ? i18n.t("pl.play") : i18n.t("pl.pause"));
            state.setText(s.paused ? i18n.t("pl.paused") : i18n.t("pl.playing"));
            return;
        }
        if (startSample >= samples()) {
            startSample = 0;
        }
        start(startSample);
    }

    private void start(long fromSample) {
        Session s = new Session(recordingId, fromSample);
        session = s;
        play.setText(i18n.t("pl.pause"));
        state.setText(i18n.t("pl.playing"));
        Thread t = new Thread(s, "player-" + recordingId);
        t.setDaemon(true);
        t.start();
    }

    private void seekTo(long sample) {
        if (recordingId < 0) {
            return;
        }
        long to = Math.max(0, Math.min(sample, samples()));
        Session s = session;
        boolean wasPlaying = s != null && !s.done && !s.paused;
        stop();
        startSample = to;
        showPosition(to);
        if (wasPlaying) {
            start(to);
        }
    }

    void stop() {
        Session s = session;
        if (s != null) {
            s.stop();
        }
        session = null;
        play.setText(i18n.t("pl.play"));
    }

    private void showPosition(long sample) {
        pos.setText(minSec(sample / RATE) + " / " + minSec(samples() / RATE));
    }

    private static String minSec(long s) {
        return String.format("%d:%02d", s / 60, s % 60);
    }

    private double speed() {
        Object v = speed.getSelectedItem();
        try {
            return Math.max(0.25, Math.min(4, Double.parseDouble(String.valueOf(v))));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** One play from a sample on: one range request, read as it comes, paced at 20 ms a frame. */
    private final class Session implements Runnable {
        final long recording;
        final long from;
        volatile boolean paused;
        volatile boolean stopped;
        volatile boolean done;
        private volatile InputStream body;

        Session(long recording, long from) {
            this.recording = recording;
            this.from = from;
        }

        synchronized void pause(boolean on) {
            paused = on;
            notifyAll();
        }

        synchronized void stop() {
            stopped = true;
            notifyAll();
            InputStream b = body;
            if (b != null) {
                try {
                    b.close();
                } catch (IOException ignored) {
                    // closing what we were reading
                }
            }
        }

        @Override
        public void run() {
            String ended = i18n.t("pl.finished");
            try {
                long a = dataStart + 2 * from;
                long z = dataStart + dataBytes - 1;
                if (a > z) {
                    return;
                }
                HttpResponse<InputStream> r = cti.stream("/api/recordings/" + recording, "bytes=" + a + "-" + z);
                body = r.body();
                if (r.statusCode() != 206) {
                    throw new IOException("HTTP " + r.statusCode());
                }
                play(body);
            } catch (Exception e) {
                ended = stopped ? null : e.getMessage();
            } finally {
                done = true;
                InputStream b = body;
                if (b != null) {
                    try {
                        b.close();
                    } catch (IOException ignored) {
                        // done with it
                    }
                }
                String text = ended;
                if (!stopped) {
                    SwingUtilities.invokeLater(() -> {
                        if (session == this) {
                            play.setText(i18n.t("pl.play"));
                            state.setText(text);
                        }
                    });
                }
            }
        }

        private void play(InputStream in) throws IOException, InterruptedException {
            Samples src = new Samples(in);
            double cursor = 0; // input samples consumed since `from` (fractional at speeds other than 1)
            long frames = 0;
            long t0 = System.nanoTime();
            while (!stopped) {
                synchronized (this) {
                    while (paused && !stopped) {
                        wait();
                        t0 = System.nanoTime();
                        frames = 0;
                    }
                }
                double s = speed();
                int gain = volume.getValue();
                short[] frame = new short[FRAME];
                int n = 0;
                for (; n < FRAME; n++) {
                    double x = cursor + n * s;
                    long i = (long) Math.floor(x);
                    double frac = x - i;
                    if (!src.has(i) || (frac > 0 && !src.has(i + 1))) {
                        break;
                    }
                    double v = frac == 0 ? src.at(i) : src.at(i) + (src.at(i + 1) - src.at(i)) * frac;
                    v = gain == 100 ? v : v * gain / 100.0;
                    frame[n] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
                }
                if (n > 0) {
                    out.get().write(n == FRAME ? frame : java.util.Arrays.copyOf(frame, n));
                }
                cursor += n * s;
                src.dropBefore((long) Math.floor(cursor));
                long at = from + (long) Math.floor(cursor);
                if (++frames % 10 == 0 || n < FRAME) {
                    SwingUtilities.invokeLater(() -> {
                        if (session == this) {
                            startSample = at;
                            sliderByPlayback = true;
                            seek.setValue((int) (at / RATE));
                            sliderByPlayback = false;
                            showPosition(at);
                        }
                    });
                }
                if (n < FRAME) {
                    return; // the end of the recording
                }
                // real time: one frame every 20 ms, as the sound card takes them
                long due = t0 + frames * 20_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }
    }

    /** The samples of a range body as they arrive, from sample 0 of the range; the consumed ones dropped. */
    static final class Samples {
        private final InputStream in;
        private short[] buf = new short[4096];
        private long first; // the sample index of buf[0]
        private int count;
        private boolean eof;
        private int odd = -1;

        Samples(InputStream in) {
            this.in = in;
        }

        boolean has(long i) throws IOException {
            while (i >= first + count && !eof) {
                fill();
            }
            return i >= first && i < first + count;
        }

        short at(long i) {
            return buf[(int) (i - first)];
        }

        void dropBefore(long i) {
            int d = (int) Math.min(count, Math.max(0, i - first));
            if (d > 0) {
                System.arraycopy(buf, d, buf, 0, count - d);
                count -= d;
                first += d;
            }
        }

        private void fill() throws IOException {
            byte[] b = new byte[2048];
            int r = in.read(b);
            if (r < 0) {
                eof = true;
                return;
            }
            int k = 0;
            if (odd >= 0 && r > 0) {
                add((short) ((odd & 0xFF) | (b[0] << 8)));
                odd = -1;
                k = 1;
            }
            for (; k + 1 < r; k += 2) {
                add((short) ((b[k] & 0xFF) | (b[k + 1] << 8)));
            }
            if (k < r) {
                odd = b[k] & 0xFF;
            }
        }

        private void add(short s) {
            if (count == buf.length) {
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
            buf[count++] = s;
        }
    }

    private void chooseDownload() {
        JFileChooser c = new JFileChooser();
        c.setSelectedFile(new java.io.File("recording-" + recordingId + ".wav"));
        if (c.showSaveDialog(this) == JFileChooser.APPROVE_OPTION) {
            download(c.getSelectedFile().toPath());
        }
    }

    /** The whole recording into a file (one audited request). */
    void download(Path to) {
        long id = recordingId;
        work.execute(() -> {
            try {
                HttpResponse<InputStream> r = cti.stream("/api/recordings/" + id, null);
                try (InputStream in = r.body()) {
                    if (r.statusCode() != 200) {
                        throw new IOException("HTTP " + r.statusCode());
                    }
                    java.nio.file.Files.copy(in, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                SwingUtilities.invokeLater(() -> state.setText(String.format(i18n.t("pl.downloaded"), to.getFileName())));
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> state.setText(why));
            }
        });
    }

    private void hold() {
        long id = recordingId;
        String reason = holdReason.getText().trim();
        if (reason.isEmpty()) {
            state.setText(i18n.t("pl.needReason"));
            return;
        }
        work.execute(() -> {
            try {
                cti.request("PUT", "/api/recordings/" + id + "/hold",
                        JsonNodeFactory.instance.objectNode().put("hold", true).put("reason", reason));
                SwingUtilities.invokeLater(() -> state.setText(String.format(i18n.t("pl.held"), id)));
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> state.setText(why));
            }
        });
    }
}
