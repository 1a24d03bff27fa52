package org.asteriskjava.manager.internal;

/**
 * asterisk-java's manager connection with {@link OneKeyManagerReader} as its reader and {@link OneKeyManagerWriter} as
 * its writer (issue 23): the events every call brings are built, and the Originate of every outbound call written,
 * without per-header reflection. Everything else (login, actions, responses, reconnects) is asterisk-java's.
 */
public final class OneKeyManagerConnection extends ManagerConnectionImpl {

    private volatile OneKeyManagerReader reader;
    private volatile OneKeyManagerWriter writer;

    public OneKeyManagerConnection(String host, int port, String user, String secret) {
        setHostname(host);
        setPort(port);
        setUsername(user);
        setPassword(secret);
    }

    @Override
    protected ManagerReader createReader(Dispatcher dispatcher, Object source) {
        OneKeyManagerReader r = new OneKeyManagerReader(dispatcher, source);
        reader = r;
        return r;
    }

    @Override
    protected ManagerWriter createWriter() {
        OneKeyManagerWriter w = new OneKeyManagerWriter();
        writer = w;
        return w;
    }

    /** Originate actions this connection wrote without asterisk-java's reflective builder. */
    public long originatesWrittenFast() {
        OneKeyManagerWriter w = writer;
        return w == null ? 0 : w.originatesWrittenFast();
    }

    /** Events of this connection built by OneKey's factory, and those left to asterisk-java's builder. */
    public long eventsBuiltFast() {
        OneKeyManagerReader r = reader;
        return r == null ? 0 : r.eventsBuiltFast();
    }

    public long eventsBuiltByAsteriskJava() {
        OneKeyManagerReader r = reader;
        return r == null ? 0 : r.eventsBuiltByAsteriskJava();
    }
}
