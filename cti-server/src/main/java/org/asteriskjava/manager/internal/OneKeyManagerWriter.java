package org.asteriskjava.manager.internal;

import java.io.IOException;
import java.util.Map;
import org.asteriskjava.AsteriskVersion;
import org.asteriskjava.manager.action.ManagerAction;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.util.SocketConnectionFacade;

/**
 * asterisk-java's manager writer with OneKey's Originate written without reflection (issue 23): every outbound call
 * (broadcasts, rescue redials, work-order offers) is an Originate, and asterisk-java's action builder looks up each of
 * its ~20 getters, their setters and fields by reflection (a NoSuchMethodException for most) on every action. The text
 * is the same header for header ({@code OneKeyManagerWriterTest} compares it with asterisk-java's builder); every
 * other action, and an Originate the builder would write differently (an Asterisk older than 1.2, a multi-line
 * "Content" variable), goes to asterisk-java's builder as before.
 */
final class OneKeyManagerWriter implements ManagerWriter {

    private static final String EOL = "\r\n";

    private final ActionBuilderImpl builder = new ActionBuilderImpl();
    private volatile AsteriskVersion version = AsteriskVersion.ASTERISK_1_0;
    private SocketConnectionFacade socket;
    private volatile long originatesWrittenFast;

    @Override
    public void setTargetVersion(AsteriskVersion v) {
        builder.setTargetVersion(v);
        version = v;
    }

    @Override
    public synchronized void setSocket(SocketConnectionFacade s) {
        this.socket = s;
    }

    @Override
    public synchronized void sendAction(ManagerAction action, String internalActionId) throws IOException {
        if (socket == null) {
            throw new IllegalStateException("Unable to send action: socket is null");
        }
        String text = null;
        if (action instanceof OriginateAction o) {
            text = originate(o, internalActionId, version);
        }
        if (text == null) {
            text = builder.buildAction(action, internalActionId);
        } else {
            originatesWrittenFast++;
        }
        socket.write(text);
        socket.flush();
    }

    long originatesWrittenFast() {
        return originatesWrittenFast;
    }

    /** The Originate's text as asterisk-java's builder writes it; null when it is one this does not write. */
    static String originate(OriginateAction o, String internalActionId, AsteriskVersion version) {
        if (version == null || !version.isAtLeast(AsteriskVersion.ASTERISK_1_2) || o.getClass() != OriginateAction.class) {
            return null;
        }
        Map<String, String> vars = o.getVariables();
        if (vars != null) {
            for (String k : vars.keySet()) {
                if (k == null || k.equalsIgnoreCase("Content")) {
                    return null;
                }
            }
        }
        StringBuilder sb = new StringBuilder(512);
        sb.append("action: ").append(o.getAction()).append(EOL);
        if (internalActionId != null) {
            sb.append("actionid: ").append(ManagerUtil.addInternalActionId(o.getActionId(), internalActionId)).append(EOL);
        } else if (o.getActionId() != null) {
            sb.append("actionid: ").append(o.getActionId()).append(EOL);
        }
        header(sb, "account", o.getAccount());
        header(sb, "callerid", o.getCallerId());
        header(sb, "callingpres", o.getCallingPres());
        header(sb, "channel", o.getChannel());
        header(sb, "context", o.getContext());
        header(sb, "exten", o.getExten());
        header(sb, "priority", o.getPriority());
        header(sb, "application", o.getApplication());
        header(sb, "data", o.getData());
        header(sb, "timeout", o.getTimeout());
        if (vars != null) {
            for (Map.Entry<String, String> v : vars.entrySet()) {
                sb.append("variable: ").append(v.getKey()).append('=');
                if (v.getValue() != null) {
                    sb.append(v.getValue());
                }
                sb.append(EOL);
            }
        }
        header(sb, "async", o.getAsync());
        header(sb, "earlymedia", o.getEarlyMedia());
        header(sb, "codecs", o.getCodecs());
        header(sb, "channelid", o.getChannelId());
        header(sb, "otherchannelid", o.getOtherChannelId());
        return sb.append(EOL).toString();
    }

    private static void header(StringBuilder sb, String name, Object value) {
        if (value != null) {
            sb.append(name).append(": ").append(value).append(EOL);
        }
    }
}
