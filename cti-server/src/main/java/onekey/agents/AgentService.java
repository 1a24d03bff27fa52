package onekey.agents;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import onekey.auth.Account;
import onekey.auth.AccountRepository;
import onekey.events.EventHub;
import onekey.telephony.Pbx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents' states, and their queue membership in Asterisk made to follow them. OneKey is the truth
 * for every agent it knows; after an AMI (re)connect the queue is made to match ({@link #reconcile}).
 * Members found in Asterisk for agents OneKey does not know yet (the cti-server restarted while
 * Asterisk kept running) are adopted as they are, so a restart of OneKey never empties the queue.
 */
public final class AgentService implements AgentCommands {

    private static final Logger log = LoggerFactory.getLogger(AgentService.class);

    private final Pbx pbx;
    private final AccountRepository accounts;
    private final EventHub hub;
    private final String queue;
    private final int wrapUpSeconds;
    private final Map<Long, AgentStatus> agents = new ConcurrentHashMap<>();
    /** Accounts of agents in the queue, by extension: the screen pop finds its agent without a query. */
    private final Map<String, Account> byExtension = new ConcurrentHashMap<>();
    private final Map<Long, ScheduledFuture<?>> wrapUps = new ConcurrentHashMap<>();
    /**
     * Queue-membership actions run here, in order, so neither the AMI event dispatcher (which ends
     * calls and so starts wrap-up) nor a WebSocket command waits for an AMI round trip.
     */
    private final java.util.concurrent.ExecutorService amiActions =
            Executors.newSingleThreadExecutor(Thread.ofVirtual().name("agent-ami").factory());
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("agent-wrapup").daemon().factory());

    public AgentService(Pbx pbx, AccountRepository accounts, EventHub hub, String queue, int wrapUpSeconds) {
        this.pbx = pbx;
        this.accounts = accounts;
        this.hub = hub;
        this.queue = queue;
        this.wrapUpSeconds = wrapUpSeconds;
    }

    public static String iface(String extension) {
        return "PJSIP/" + extension;
    }

    @Override
    public AgentStatus ready(Account account) {
        return change(account, AgentState.READY, null);
    }

    @Override
    public AgentStatus pause(Account account, String reason) {
        return change(account, AgentState.NOT_READY, reason == null || reason.isBlank() ? "break" : reason.strip());
    }

    @Override
    public AgentStatus logout(Account account) {
        return change(account, AgentState.LOGGED_OUT, null);
    }

    @Override
    public Optional<AgentStatus> status(long accountId) {
        return Optional.ofNullable(agents.get(accountId));
    }

    @Override
    public List<AgentStatus> all() {
        List<AgentStatus> l = new ArrayList<>(agents.values());
        l.sort(Comparator.comparing(AgentStatus::username));
        return l;
    }

    /**
     * The account of an agent in the queue from memory (the end of a call runs on the PBX event thread
     * and must not wait on the database); the database only for one not cached.
     */
    private Optional<Account> cachedAccount(long accountId) {
        for (Account a : byExtension.values()) {
            if (a.id() == accountId) {
                return Optional.of(a);
            }
        }
        return accounts.get(accountId);
    }

    /** Agents ready to take a call now (for the nobody-there alert). */
    public long readyCount() {
        return agents.values().stream().filter(a -> a.state() == AgentState.READY).count();
    }

    /** The agent at this queue interface ("PJSIP/1001"), if it is one of ours. */
    public Optional<Account> accountForInterface(String iface) {
        if (iface == null) {
            return Optional.empty();
        }
        int slash = iface.indexOf('/');
        String ext = slash < 0 ? iface : iface.substring(slash + 1);
        Account known = byExtension.get(ext);
        return known != null ? Optional.of(known) : accounts.byExtension(ext);
    }

    /** Asterisk connected the agent to a caller. */
    public void callConnected(long accountId) {
        AgentStatus s = agents.get(accountId);
        if (s != null && s.state() != AgentState.ON_CALL && s.state().canGoTo(AgentState.ON_CALL)) {
            set(s, AgentState.ON_CALL, null);
        }
    }

    /**
     * The agent's call ended: wrap-up (paused, so notes can be written) for the configured time, then
     * ready again unless the agent chose another state meanwhile.
     */
    public void callEnded(long accountId) {
        AgentStatus s = agents.get(accountId);
        if (s == null || s.state() != AgentState.ON_CALL) {
            return;
        }
        Optional<Account> acc = cachedAccount(accountId);
        if (acc.isEmpty()) {
            return;
        }
        if (wrapUpSeconds == 0) {
            change(acc.get(), AgentState.READY, null);
            return;
        }
        AgentStatus w = change(acc.get(), AgentState.WRAP_UP, null);
        ScheduledFuture<?> f = timer.schedule(() -> {
            wrapUps.remove(accountId);
            AgentStatus now = agents.get(accountId);
            if (now != null && now.state() == AgentState.WRAP_UP && now.since() == w.since()) {
                try {
                    change(acc.get(), AgentState.READY, null);
                } catch (RuntimeException e) {
                    log.warn("wrap-up end failed agent={} error={}", acc.get().username(), e.toString());
                }
            }
        }, wrapUpSeconds, TimeUnit.SECONDS);
        ScheduledFuture<?> old = wrapUps.put(accountId, f);
        if (old != null) {
            old.cancel(false);
        }
    }

    private synchronized AgentStatus change(Account account, AgentState next, String reason) {
        if (account.extension() == null || account.extension().isBlank()) {
            throw new IllegalStateException("account " + account.username() + " has no extension; an admin must set one");
        }
        AgentStatus cur = agents.get(account.id());
        AgentState from = cur == null ? AgentState.LOGGED_OUT : cur.state();
        if (!from.canGoTo(next) && !(from == next && next == AgentState.READY)) {
            throw new IllegalStateException("agent " + account.username() + " cannot go from " + from.wire() + " to " + next.wire());
        }
        String iface = iface(account.extension());
        Runnable action;
        if (next == AgentState.LOGGED_OUT) {
            action = () -> pbx.queueRemove(queue, iface);
        } else if (!from.inQueue()) {
            action = () -> pbx.queueAdd(queue, iface, account.username(), next.paused(), reason);
        } else {
            action = () -> pbx.queuePause(queue, iface, next.paused(), reason);
        }
        amiActions.execute(() -> {
            try {
                action.run();
            } catch (Pbx.PbxException e) {
                // OneKey keeps the state; the membership is applied when Asterisk is back (reconcile)
                log.warn("agent={} state={} not applied in Asterisk yet: {}", account.username(), next.wire(), e.getMessage());
            }
        });
        AgentStatus s = new AgentStatus(account.id(), account.username(), account.extension(), next, reason,
                System.currentTimeMillis());
        if (next == AgentState.LOGGED_OUT) {
            byExtension.remove(account.extension());
            agents.remove(account.id());
            ScheduledFuture<?> f = wrapUps.remove(account.id());
            if (f != null) {
                f.cancel(false);
            }
        } else {
            agents.put(account.id(), s);
            byExtension.put(account.extension(), account);
        }
        publish(s);
        return s;
    }

    private void set(AgentStatus cur, AgentState next, String reason) {
        AgentStatus s = new AgentStatus(cur.accountId(), cur.username(), cur.extension(), next, reason,
                System.currentTimeMillis());
        agents.put(cur.accountId(), s);
        publish(s);
    }

    private void publish(AgentStatus s) {
        hub.toAccount(s.accountId(), new AgentEvents.StateChanged(s)); // the agents' one publication
        log.info("agent={} state={}{}", s.username(), s.state().wire(), s.reason() == null ? "" : " reason=" + s.reason());
    }

    /**
     * Makes Asterisk's queue membership match OneKey's agents; adopts members OneKey does not know.
     * Runs after every AMI (re)connect.
     */
    public synchronized void reconcile() {
        Map<String, Pbx.QueueMember> members = new HashMap<>();
        for (Pbx.QueueMember m : pbx.queueMembers(queue)) {
            members.put(m.iface(), m);
        }
        int added = 0;
        int adopted = 0;
        for (AgentStatus s : agents.values()) {
            String iface = iface(s.extension());
            Pbx.QueueMember m = members.remove(iface);
            if (m == null) {
                Optional<Account> acc = cachedAccount(s.accountId());
                if (acc.isPresent()) {
                    pbx.queueAdd(queue, iface, acc.get().username(), s.state().paused(), s.reason());
                    added++;
                }
            } else if (m.paused() != s.state().paused()) {
                pbx.queuePause(queue, iface, s.state().paused(), s.reason());
            }
        }
        for (Pbx.QueueMember m : members.values()) {
            String iface = m.iface();
            Optional<Account> acc = accountForInterface(iface);
            if (acc.isPresent()) {
                boolean paused = m.paused();
                AgentStatus s = new AgentStatus(acc.get().id(), acc.get().username(), acc.get().extension(),
                        paused ? AgentState.NOT_READY : AgentState.READY, paused ? m.pausedReason() : null,
                        System.currentTimeMillis());
                agents.put(s.accountId(), s);
                byExtension.put(acc.get().extension(), acc.get());
                publish(s);
                adopted++;
            } else {
                log.warn("queue={} member={} is no OneKey agent; removing it", queue, iface);
                pbx.queueRemove(queue, iface);
            }
        }
        log.info("queue={} reconciled members: re-added={} adopted={} agents={}", queue, added, adopted, agents.size());
    }

    public void close() {
        timer.shutdownNow();
        amiActions.shutdown();
        try {
            amiActions.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
