package onekey.telephony;

/**
 * What OneKey hears from the PBX about calls, in its own words. The AMI edge
 * ({@code telephony/ami/AmiEvents}) is the only place that turns Asterisk's events into these;
 * nothing outside {@code telephony} sees asterisk-java types. Times are epoch milliseconds as the
 * PBX stamped them.
 */
public sealed interface PbxEvent {

    /** The call (all channels of one linkedid) this event belongs to. */
    String linkedid();

    long at();

    /**
     * The dialplan is about to put the caller into the queue (user event OneKeyQueue): how the call
     * got there ({@code path}: direct = an SOS line that never waits on OneKey, flow = after OneKey's
     * FastAGI flow, failopen = the flow was unreachable, failed or over its time bound), the dialled
     * line, the service the dialplan took from AstDB, the recording file and when the call arrived.
     */
    record QueueEntry(String linkedid, long at, String channel, String callerNumber, String dnis, String service,
                      String path, String recordingFile, Long arrivedAt) implements PbxEvent {}

    /** The caller joined the queue (position from 1); {@code exten} is the dialplan extension at the time. */
    record CallerQueued(String linkedid, long at, String channel, String callerNumber, String queue, int position,
                        String exten) implements PbxEvent {}

    /** A queue member's phone rings for this call: the moment of the screen pop. */
    record MemberRinging(String linkedid, long at, String memberInterface, String memberName) implements PbxEvent {}

    /** A queue member answered. */
    record MemberConnected(String linkedid, long at, String memberInterface, String memberName, long holdSeconds)
            implements PbxEvent {}

    record MemberNoAnswer(String linkedid, long at, String memberName, long ringMs) implements PbxEvent {}

    record MemberComplete(String linkedid, long at, String memberName, String reason, long talkSeconds)
            implements PbxEvent {}

    /** The caller hung up while waiting in the queue. */
    record CallerAbandoned(String linkedid, long at, int position, long holdSeconds) implements PbxEvent {}

    /** A channel was made (inbound, originated or dialled); {@code channel} is its name, e.g. "PJSIP/trunk-0000002a". */
    record ChannelCreated(String linkedid, long at, String uniqueid, String channel) implements PbxEvent {}

    /** A channel joined a ConfBridge room ({@code conference}, e.g. "onekey-1001"). */
    record ConferenceJoined(String linkedid, long at, String conference, String uniqueid, String channel)
            implements PbxEvent {}

    /** A channel left a ConfBridge room (hung up, or moved elsewhere). */
    record ConferenceLeft(String linkedid, long at, String conference, String uniqueid, String channel)
            implements PbxEvent {}

    /** A channel ended; {@code callerLeg} when it is the call's first channel (uniqueid = linkedid). */
    record ChannelHungUp(String linkedid, long at, String uniqueid, boolean callerLeg, int cause, String causeText)
            implements PbxEvent {}

    /** The call waited longer than its line allows and is being dialled out to the backup number. */
    record Overflow(String linkedid, long at, String number, String waitedSeconds, String service) implements PbxEvent {}

    /** The overflow dial ended ({@code dialStatus} ANSWER, NOANSWER, BUSY, CHANUNAVAIL, ...). */
    record OverflowEnded(String linkedid, long at, String number, String dialStatus) implements PbxEvent {}

    /**
     * An outbound call OneKey placed ({@link Pbx#originate}) was answered or not: {@code success} when the far
     * end answered; otherwise {@code reason} is Asterisk's (3 no answer, 5 busy, 8 congestion, 0 failed or
     * unavailable). {@code linkedid} is the new channel's uniqueid (null when no channel was made).
     */
    record OriginateResult(String linkedid, long at, String actionId, boolean success, int reason) implements PbxEvent {}

    /** An answered rescue call heard the elder speak ({@code spoke}) or not ({@code silent}) (user event OneKeyOutResult). */
    record OutResult(String linkedid, long at, String step, String result) implements PbxEvent {}

    /**
     * A device in test mode called and the dialplan answered it with "测试成功", ringing no agent (user event
     * OneKeyDeviceTest, issue 24): {@code number} is the caller's number.
     */
    record DeviceTest(String linkedid, long at, String number, String result) implements PbxEvent {}

    /** The channel's audio started or stopped being speech (TALK_DETECT on the elder's channel). */
    record Talking(String linkedid, long at, String uniqueid, boolean talking) implements PbxEvent {}

    /**
     * A party of the call was transferred (issue 7): {@code linkedid} is the transferred party's call,
     * {@code fromInterface} the transferring phone ({@code PJSIP/1001}); {@code attended} tells a REFER with
     * Replaces (then {@code to} is the target phone's interface, {@code PJSIP/1002}) from a blind one (then
     * {@code to} is the dialled extension or number, {@code *3<seat>} for a seat's conference room).
     */
    record Transferred(String linkedid, long at, boolean attended, String fromInterface, String to, boolean success)
            implements PbxEvent {}

    /**
     * An answered voice-broadcast call (user event OneKeyBcast, issue 9): {@code attempt} is the attempt's id,
     * {@code result} answered / repeated (the elder pressed 2) / confirmed (1) / transferred (0, to an agent) /
     * no-confirm (heard it, pressed nothing), {@code digits} the keys pressed so far, {@code recordingFile} the
     * call's MixMonitor file. {@code uniqueid} is the elder's channel.
     */
    record BroadcastResult(String linkedid, long at, String uniqueid, String attempt, String result, String digits,
                           String recordingFile) implements PbxEvent {}

    /**
     * A work order's call (issue 21, user event OneKeyOrder from {@code [onekey-order]}): {@code leg} names it
     * ({@code of-<offer id>} a supplier's offer, {@code cb-<order id>-<attempt>} the elder's callback), {@code result}
     * answered / key (one of the keys asked for was pressed: the last of {@code digits}) / no-key (played, no such key).
     * {@code uniqueid} is the called party's channel.
     */
    record OrderResult(String linkedid, long at, String uniqueid, String leg, String result, String digits)
            implements PbxEvent {}

    /**
     * A call a seat's phone placed (issue 18 item 7, user event OneKeySeatCall from {@code [onekey-seat-call]}):
     * {@code phase} start (dialling, recorded from now on) or end (the seat's channel hung up; then
     * {@code dialStatus} is Dial's and {@code answeredSeconds} how long the far end was connected). {@code agent} is
     * the seat's extension, {@code number} what it dialled, {@code step} the incident step the call was placed for
     * (null for a call the seat dialled itself), {@code recordingFile} the MixMonitor file. {@code uniqueid} is the
     * seat's channel.
     */
    record SeatCall(String linkedid, long at, String uniqueid, String phase, String agent, String number, String step,
                    String recordingFile, String dialStatus, Long answeredSeconds) implements PbxEvent {}
}
