package onekey;

import java.util.Optional;

/**
 * Which Java runtime the cti-server may run on. It compiles for Java 21, but it must RUN on 24 or
 * newer: FastAGI sessions run on virtual threads, and asterisk-java's
 * {@code AgiChannelImpl.sendCommand} is {@code synchronized}. On JDK 21–23 a virtual thread that
 * blocks inside {@code synchronized} (here: waiting for Asterisk's reply) pins its carrier thread, so
 * as many slow AGI commands as there are cores stall every other call's IVR. JEP 491 (JDK 24) lets
 * virtual threads release their carrier inside {@code synchronized}.
 */
public final class RuntimeCheck {

    /** The first feature release with JEP 491 (virtual threads synchronize without pinning). */
    public static final int MIN_FEATURE = 24;

    /** System property that lets the server start on an older runtime anyway (tests, emergencies). */
    public static final String ALLOW_PINNING = "onekey.allowPinning";

    private RuntimeCheck() {
    }

    /**
     * Why the server must not start on runtime {@code feature} (e.g. 21 for Java 21), or empty when it
     * may: on 24 and newer, or on an older one when {@code allowPinning} is set.
     */
    public static Optional<String> refusal(int feature, boolean allowPinning) {
        if (feature >= MIN_FEATURE || allowPinning) {
            return Optional.empty();
        }
        return Optional.of("this Java runtime is " + feature + "; the cti-server needs " + MIN_FEATURE + " or newer to run."
                + " It serves FastAGI on virtual threads and asterisk-java's AgiChannelImpl.sendCommand is synchronized:"
                + " on Java " + feature + " a virtual thread blocked there pins its carrier thread, so a few slow Asterisk"
                + " replies stall every call's IVR (fixed in JDK 24 by JEP 491)."
                + " Run it with a JDK " + MIN_FEATURE + "+ (./onekey setup picks one, e.g. Temurin 25), or start it with -D"
                + ALLOW_PINNING + "=true to accept the risk.");
    }
}
