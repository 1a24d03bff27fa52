package onekey.telephony.ami;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onekey.telephony.LiveChannel;
import onekey.telephony.Pbx;
import org.asteriskjava.manager.action.CoreShowChannelsAction;
import org.asteriskjava.manager.action.DbPutAction;
import org.asteriskjava.manager.action.GetVarAction;
import org.asteriskjava.manager.action.ManagerAction;
import org.asteriskjava.manager.action.ModuleLoadAction;
import org.asteriskjava.manager.action.QueueAddAction;
import org.asteriskjava.manager.action.QueuePauseAction;
import org.asteriskjava.manager.action.QueueRemoveAction;
import org.asteriskjava.manager.action.QueueStatusAction;
import org.asteriskjava.manager.event.CoreShowChannelEvent;
import org.asteriskjava.manager.event.QueueMemberEvent;
import org.asteriskjava.manager.event.ResponseEvent;
import org.asteriskjava.manager.response.ManagerResponse;

/** {@link Pbx} over OneKey's AMI connection. */
public final class AmiPbx implements Pbx {

    private final AmiClient ami;

    public AmiPbx(AmiClient ami) {
        this.ami = ami;
    }

    @Override
    public List<LiveChannel> liveChannels(List<String> callerVariables) {
        try {
            List<LiveChannel> out = new ArrayList<>();
            for (ResponseEvent e : ami.sendForEvents(new CoreShowChannelsAction())) {
                if (!(e instanceof CoreShowChannelEvent ch) || ch.getLinkedid() == null) {
                    continue;
                }
                boolean callerLeg = ch.getLinkedid().equals(ch.getUniqueid());
                boolean ours = ch.getContext() != null && ch.getContext().startsWith("onekey-");
                Map<String, String> vars = new LinkedHashMap<>();
                if (callerLeg && ours) {
                    for (String v : callerVariables) {
                        String value = variable(ch.getChannel(), v);
                        if (value != null && !value.isEmpty()) {
                            vars.put(v, value);
                        }
                    }
                }
                out.add(new LiveChannel(ch.getLinkedid(), ch.getUniqueid(), ch.getChannel(), ch.getCallerIdNum(),
                        ch.getContext(), ch.getExten(), ch.getApplication(), parseDuration(ch.getDuration()), Map.copyOf(vars)));
            }
            return out;
        } catch (AmiException e) {
            throw new PbxException("cannot list live channels: " + e.getMessage(), e);
        }
    }

    private String variable(String channel, String name) {
        try {
            ManagerResponse r = ami.send(new GetVarAction(channel, name));
            return r.getAttribute("Value");
        } catch (AmiException e) {
            return null; // the channel may have gone meanwhile
        }
    }

    @Override
    public void putSetting(String family, String key, String value) {
        try {
            ami.send(new DbPutAction(family, key, value));
        } catch (AmiException e) {
            throw new PbxException("cannot store " + family + "/" + key + " in AstDB: " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> settingKeys(String family) {
        // DB_KEYS through GetVar: the AMI user has no "command" right for "database show", Asterisk 16 no DBGetTree
        String keys;
        try {
            keys = ami.send(new GetVarAction("DB_KEYS(" + family + ")")).getAttribute("Value");
        } catch (AmiException e) {
            throw new PbxException("cannot list " + family + " in AstDB: " + e.getMessage(), e);
        }
        List<String> out = new ArrayList<>();
        if (keys != null) {
            for (String k : keys.split(",")) {
                if (!k.isBlank()) {
                    out.add(k.trim());
                }
            }
        }
        return out;
    }

    @Override
    public java.util.Optional<String> setting(String family, String key) {
        // DBGet (DB() itself may not be read from AMI: live_dangerously = no)
        List<ResponseEvent> events;
        try {
            events = ami.sendForEvents(new org.asteriskjava.manager.action.DbGetAction(family, key));
        } catch (AmiException e) {
            if (String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("not found")) {
                return java.util.Optional.empty();
            }
            throw new PbxException("cannot read " + family + "/" + key + " from AstDB: " + e.getMessage(), e);
        }
        for (ResponseEvent ev : events) {
            if (ev instanceof org.asteriskjava.manager.event.DbGetResponseEvent g && g.getVal() != null) {
                return java.util.Optional.of(g.getVal());
            }
        }
        return java.util.Optional.empty();
    }

    @Override
    public void deleteSettings(String family, String key) {
        delete(new org.asteriskjava.manager.action.DbDelTreeAction(family, key), family, key);
    }

    @Override
    public void deleteSetting(String family, String key) {
        delete(new org.asteriskjava.manager.action.DbDelAction(family, key), family, key);
    }

    /** A DBDel or DBDelTree; what is already gone is fine. */
    private void delete(ManagerAction action, String family, String key) {
        try {
            ami.send(action);
        } catch (AmiException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (!m.contains("not found") && !m.contains("failed to delete")) {
                throw new PbxException("cannot delete " + family + "/" + key + " from AstDB: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void queueAdd(String queue, String iface, String memberName, boolean paused, String reason) {
        QueueAddAction a = new QueueAddAction(queue, iface);
        a.setMemberName(memberName);
        a.setStateInterface(iface);
        a.setPaused(paused);
        send(a);
    }

    @Override
    public void queuePause(String queue, String iface, boolean paused, String reason) {
        QueuePauseAction p = new QueuePauseAction(iface, queue, paused);
        if (paused && reason != null) {
            p.setReason(reason);
        }
        send(p);
    }

    @Override
    public void queueRemove(String queue, String iface) {
        send(new QueueRemoveAction(queue, iface));
    }

    @Override
    public List<QueueMember> queueMembers(String queue) {
        QueueStatusAction qs = new QueueStatusAction();
        qs.setQueue(queue);
        try {
            List<QueueMember> out = new ArrayList<>();
            for (ResponseEvent e : ami.sendForEvents(qs)) {
                if (e instanceof QueueMemberEvent m && queue.equals(m.getQueue())) {
                    out.add(new QueueMember(m.getInterface() != null ? m.getInterface() : m.getLocation(), m.getMemberName(),
                            Boolean.TRUE.equals(m.getPaused()), m.getPausedreason()));
                }
            }
            return out;
        } catch (AmiException e) {
            throw new PbxException("cannot read the members of queue " + queue + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void originate(String channel, String context, long ringMillis, String callerId, Map<String, String> variables,
                          String actionId) {
        originate(channel, context, ringMillis, callerId, variables, actionId, null);
    }

    @Override
    public void originate(String channel, String context, long ringMillis, String callerId, Map<String, String> variables,
                          String actionId, String channelId) {
        org.asteriskjava.manager.action.OriginateAction o = new org.asteriskjava.manager.action.OriginateAction();
        o.setChannel(channel);
        o.setContext(context);
        o.setExten("s");
        o.setPriority(1);
        o.setTimeout(ringMillis);
        o.setAsync(true);
        if (callerId != null) {
            o.setCallerId(callerId);
        }
        o.setVariables(new LinkedHashMap<>(variables));
        o.setActionId(actionId);
        if (channelId != null) {
            o.setChannelId(channelId);
        }
        send(o);
    }

    @Override
    public void redirect(String channel, String context, String exten) {
        // write class "call" (manager.conf)
        send(new org.asteriskjava.manager.action.RedirectAction(channel, context, exten, 1));
    }

    @Override
    public void hangup(String channel) {
        send(new org.asteriskjava.manager.action.HangupAction(channel));
    }

    @Override
    public void reloadSip() {
        // ModuleLoad (write class "system", which DBPut needs anyway), not a CLI Command: the AMI user
        // has no "command" class (manager.conf)
        send(new ModuleLoadAction("res_pjsip.so", ModuleLoadAction.LOAD_TYPE_RELOAD));
    }

    private void send(ManagerAction a) {
        try {
            ami.send(a);
        } catch (AmiException e) {
            throw new PbxException(e.getMessage(), e);
        }
    }

    static long parseDuration(String hhmmss) {
        try {
            String[] p = hhmmss.split(":");
            return ((Long.parseLong(p[0]) * 60 + Long.parseLong(p[1])) * 60 + Long.parseLong(p[2])) * 1000;
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
