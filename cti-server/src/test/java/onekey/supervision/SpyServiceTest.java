package onekey.supervision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.startsWith;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import onekey.auth.Account;
import onekey.auth.AccountRepository;
import onekey.auth.AuditLog;
import onekey.auth.Role;
import onekey.calls.CallRecord;
import onekey.calls.CallRepository;
import onekey.events.EventHub;
import onekey.lines.Service;
import onekey.supervision.SpyService.Mode;
import onekey.supervision.SpyService.Refused;
import onekey.telephony.LiveChannel;
import onekey.telephony.Pbx;
import onekey.telephony.PbxEvent;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/** The session rules of listen / whisper / barge, with the PBX and the stores as mocks (no audio here: SpyIT). */
class SpyServiceTest {

    Pbx pbx = mock(Pbx.class);
    CallRepository calls = mock(CallRepository.class);
    AccountRepository accounts = mock(AccountRepository.class);
    AuditLog audit = mock(AuditLog.class);
    EventHub hub = new EventHub(100);
    SpyService spy;

    Account sup = new Account(7, "super", Role.SUPERVISOR, "1099", "s", "S", true);
    Account sup2 = new Account(8, "super2", Role.SUPERVISOR, "1098", "s", "S2", true);
    Account admin = new Account(1, "admin", Role.ADMIN, null, null, "A", true);
    Account agent = new Account(5, "1001", Role.AGENT, "1001", "s", "Agent", true);
    static final String LINKEDID = "1700000000.10";
    static final String AGENT_CHANNEL = "PJSIP/1001-00000004";

    static CallRecord call(long id, Long answeredAt, Long agentId, Long endedAt, String outcome) {
        return new CallRecord(id, LINKEDID, "PJSIP/trunk-00000003", "02155550001", "1234901", Service.SOS, 10, 1L, agentId,
                agentId == null ? null : "1001", 1000, 1100L, answeredAt, endedAt, null, null, onekey.calls.CallOutcome.fromWire(outcome), null, null, false, null);
    }

    @BeforeEach
    void setUp() {
        spy = new SpyService(pbx, calls, accounts, audit, hub, Clock.systemUTC());
        when(accounts.get(7)).thenReturn(Optional.of(sup));
        when(accounts.get(8)).thenReturn(Optional.of(sup2));
        when(accounts.get(5)).thenReturn(Optional.of(agent));
        when(calls.get(42)).thenReturn(Optional.of(call(42, 1200L, 5L, null, "answered")));
        when(pbx.liveChannels(anyList())).thenReturn(List.of(
                new LiveChannel(LINKEDID, LINKEDID, "PJSIP/trunk-00000003", "02155550001", "onekey-queue", "s", "Queue", 5000,
                        Map.of()),
                new LiveChannel(LINKEDID, "1700000000.11", AGENT_CHANNEL, "1001", "onekey-agents", "s", "AppQueue", 4000,
                        Map.of())));
    }

    @AfterEach
    void tearDown() {
        spy.close();
    }

    @Test
    void modesAreListenWhisperAndBargeAndAnythingElseIsAClearError() {
        assertThat(Mode.parse("listen")).isEqualTo(Mode.LISTEN);
        assertThat(Mode.parse(" Whisper ")).isEqualTo(Mode.WHISPER);
        assertThat(Mode.parse("BARGE")).isEqualTo(Mode.BARGE);
        assertThatThrownBy(() -> Mode.parse("shout")).isInstanceOf(Refused.class)
                .hasMessageContaining("listen, whisper or barge").hasMessageContaining("shout")
                .satisfies(e -> assertThat(((Refused) e).kind).isEqualTo(Refused.Kind.BAD_REQUEST));
        assertThatThrownBy(() -> Mode.parse(null)).isInstanceOf(Refused.class).hasMessageContaining("required");
    }

    @Test
    void startAuditsFirstThenRingsTheSupervisorsOwnExtensionToSpyOnTheAgentsExactChannel() {
        SpyService.Started s = spy.start(sup, 42, Mode.LISTEN);
        assertThat(s.created()).isTrue();
        assertThat(s.session().state()).isEqualTo(SpyService.State.RINGING);
        assertThat(s.session().agentChannel()).isEqualTo(AGENT_CHANNEL);
        @SuppressWarnings("unchecked")
        ArgumentCaptor<Map<String, String>> vars = ArgumentCaptor.forClass(Map.class);
        InOrder order = inOrder(audit, pbx);
        order.verify(audit).record(eq(sup), eq("spy.start"), eq("call"), eq("42"), startsWith("session=" + s.session().id()
                + " mode=listen agent=1001 extension=1099"));
        order.verify(pbx).originate(eq("PJSIP/1099"), eq("onekey-spy"), anyLong(), anyString(), vars.capture(),
                eq("spy-" + s.session().id()), eq("onekey-spy-" + s.session().id()));
        assertThat(vars.getValue()).containsEntry("ONEKEY_SPY_TARGET", AGENT_CHANNEL).containsEntry("ONEKEY_SPY_MODE", "listen")
                .containsEntry("ONEKEY_SPY_CALL", "42").containsEntry("ONEKEY_SPY_ACCOUNT", "7");
    }

    @Test
    void onlyALiveCallBridgedToAnAgentCanBeSpiedOn() {
        assertThatThrownBy(() -> spy.start(agent, 42, Mode.LISTEN)).isInstanceOf(Refused.class)
                .satisfies(e -> assertThat(((Refused) e).kind).isEqualTo(Refused.Kind.FORBIDDEN));
        when(calls.get(43)).thenReturn(Optional.empty());
        assertThat(kind(() -> spy.start(sup, 43, Mode.LISTEN))).isEqualTo(Refused.Kind.NOT_FOUND);
        when(calls.get(44)).thenReturn(Optional.of(call(44, null, null, null, "queued")));
        assertThatThrownBy(() -> spy.start(sup, 44, Mode.LISTEN)).hasMessageContaining("not bridged to an agent")
                .hasMessageContaining("queued");
        when(calls.get(45)).thenReturn(Optional.of(call(45, 1200L, 5L, 1300L, "completed")));
        assertThatThrownBy(() -> spy.start(sup, 45, Mode.LISTEN)).hasMessageContaining("has ended");
        // the row says answered, but Asterisk has no agent leg in the call any more
        when(pbx.liveChannels(anyList())).thenReturn(List.of());
        assertThat(kind(() -> spy.start(sup, 42, Mode.LISTEN))).isEqualTo(Refused.Kind.CONFLICT);
        // an admin without an extension has no phone to ring
        assertThatThrownBy(() -> spy.start(admin, 42, Mode.LISTEN)).hasMessageContaining("no phone extension");
        verify(pbx, never()).originate(any(), any(), anyLong(), any(), any(), any(), any());
        verify(audit, never()).record(any(), eq("spy.start"), any(), any(), any());
    }

    @Test
    void aRefusedOriginateEndsTheSessionWithItsAuditRow() {
        doThrow(new Pbx.PbxException("not connected")).when(pbx)
                .originate(any(), any(), anyLong(), any(), any(), any(), any());
        assertThat(kind(() -> spy.start(sup, 42, Mode.BARGE))).isEqualTo(Refused.Kind.PBX_UNAVAILABLE);
        verify(audit).recordAs(eq(7L), eq("super"), eq("spy.end"), eq("call"), eq("42"), startsWith("session="));
        assertThat(spy.sessions()).isEmpty();
    }

    @Test
    void theModeChangesByRedirectOnceAnsweredOnlyByItsOwnerOrAnAdmin() {
        String id = spy.start(sup, 42, Mode.LISTEN).session().id();
        // still ringing: nothing to redirect yet
        assertThat(kind(() -> spy.change(sup, id, Mode.WHISPER))).isEqualTo(Refused.Kind.CONFLICT);
        spy.onEvent(new PbxEvent.OriginateResult("onekey-spy-" + id, 2000, "spy-" + id, true, 4));
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> spy.session(id).orElseThrow().state() == SpyService.State.ACTIVE);

        assertThat(spy.change(sup, id, Mode.WHISPER).mode()).isEqualTo(Mode.WHISPER);
        verify(pbx).redirect("onekey-spy-" + id, "onekey-spy", "whisper");
        verify(audit).record(eq(sup), eq("spy.mode"), eq("call"), eq("42"), startsWith("session=" + id + " from=listen to=whisper"));
        // the same endpoint again for the same call changes the mode too
        SpyService.Started again = spy.start(sup, 42, Mode.BARGE);
        assertThat(again.created()).isFalse();
        assertThat(again.session().id()).isEqualTo(id);
        verify(pbx).redirect("onekey-spy-" + id, "onekey-spy", "barge");

        assertThat(kind(() -> spy.change(sup2, id, Mode.LISTEN))).isEqualTo(Refused.Kind.FORBIDDEN);
        assertThat(kind(() -> spy.stop(sup2, id))).isEqualTo(Refused.Kind.FORBIDDEN);
        assertThat(spy.change(admin, id, Mode.LISTEN).mode()).isEqualTo(Mode.LISTEN);
        // one session per supervisor at a time
        when(calls.get(46)).thenReturn(Optional.of(call(46, 1200L, 5L, null, "answered")));
        assertThatThrownBy(() -> spy.start(sup, 46, Mode.LISTEN)).hasMessageContaining("end it first");
        assertThat(kind(() -> spy.change(sup, "nope", Mode.LISTEN))).isEqualTo(Refused.Kind.NOT_FOUND);
    }

    @Test
    void theEndComesFromTheHangupOfTheSupervisorsChannelWithWhyItEnded() {
        String a = answered(sup, 42);
        spy.stop(sup, a);
        verify(pbx).hangup("onekey-spy-" + a);
        assertThat(spy.session(a)).isPresent(); // not ended until Asterisk says the channel is gone
        hangup("onekey-spy-" + a);
        verify(audit, timeout(5000)).recordAs(eq(7L), eq("super"), eq("spy.end"), eq("call"), eq("42"),
                org.mockito.ArgumentMatchers.contains("reason=stopped"));

        String b = answered(sup, 42);
        // the elder hangs up: ChanSpy leaves (option E) and the supervisor's channel follows
        spy.onEvent(new PbxEvent.ChannelHungUp(LINKEDID, 3000, LINKEDID, true, 16, "Normal Clearing"));
        hangup("onekey-spy-" + b);
        verify(audit, timeout(5000)).recordAs(eq(7L), eq("super"), eq("spy.end"), eq("call"), eq("42"),
                org.mockito.ArgumentMatchers.contains("session=" + b + " mode=listen reason=call-ended"));

        String c = answered(sup, 42);
        hangup("onekey-spy-" + c);
        hangup("onekey-spy-" + c); // a second Hangup changes nothing
        verify(audit, timeout(5000)).recordAs(eq(7L), eq("super"), eq("spy.end"), eq("call"), eq("42"),
                org.mockito.ArgumentMatchers.contains("session=" + c + " mode=listen reason=supervisor-hung-up"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> spy.sessions().isEmpty());

        // never answered
        String d = spy.start(sup, 42, Mode.LISTEN).session().id();
        spy.onEvent(new PbxEvent.OriginateResult(null, 2000, "spy-" + d, false, 3));
        verify(audit, timeout(5000)).recordAs(eq(7L), eq("super"), eq("spy.end"), eq("call"), eq("42"),
                org.mockito.ArgumentMatchers.contains("session=" + d + " mode=listen reason=not-answered"));
    }

    @Test
    void afterAReconnectGoneSessionsEndAndUnknownSpyChannelsAreFollowedAgain() {
        String gone = answered(sup, 42);
        when(calls.get(42)).thenReturn(Optional.of(call(42, 1200L, 5L, null, "answered")));
        when(pbx.liveChannels(SpyService.VARIABLES)).thenReturn(List.of(new LiveChannel("onekey-spy-abc", "onekey-spy-abc",
                "PJSIP/1098-00000009", "1098", "onekey-spy", "whisper", "ChanSpy", 9000,
                Map.of("ONEKEY_SPY_SESSION", "abc", "ONEKEY_SPY_MODE", "whisper", "ONEKEY_SPY_CALL", "42",
                        "ONEKEY_SPY_ACCOUNT", "8", "ONEKEY_SPY_TARGET", AGENT_CHANNEL))));
        spy.resync();
        verify(audit).recordAs(eq(7L), eq("super"), eq("spy.end"), eq("call"), eq("42"),
                org.mockito.ArgumentMatchers.contains("session=" + gone + " mode=listen reason=gone"));
        SpyService.Session adopted = spy.session("abc").orElseThrow();
        assertThat(adopted.supervisor()).isEqualTo("super2");
        assertThat(adopted.mode()).isEqualTo(Mode.WHISPER);
        assertThat(adopted.state()).isEqualTo(SpyService.State.ACTIVE);
        verify(audit).recordAs(eq(8L), eq("super2"), eq("spy.resume"), eq("call"), eq("42"), startsWith("session=abc mode=whisper"));
        hangup("onekey-spy-abc");
        verify(audit, timeout(5000)).recordAs(eq(8L), eq("super2"), eq("spy.end"), eq("call"), eq("42"),
                org.mockito.ArgumentMatchers.contains("session=abc mode=whisper reason=supervisor-hung-up"));
    }

    private String answered(Account who, long callId) {
        String id = spy.start(who, callId, Mode.LISTEN).session().id();
        spy.onEvent(new PbxEvent.OriginateResult("onekey-spy-" + id, 2000, "spy-" + id, true, 4));
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> spy.session(id).map(s -> s.state() == SpyService.State.ACTIVE).orElse(false));
        return id;
    }

    private void hangup(String uniqueid) {
        spy.onEvent(new PbxEvent.ChannelHungUp(uniqueid, 4000, uniqueid, true, 16, "Normal Clearing"));
    }

    private static Refused.Kind kind(Runnable r) {
        try {
            r.run();
        } catch (Refused e) {
            return e.kind;
        }
        throw new AssertionError("not refused");
    }
}
