package onekey.flows;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Flow} on a channel, blocking the caller's thread (OneKey gives each AGI session a virtual
 * thread). Never throws: every outcome, including bugs in the host, comes back as a {@link FlowResult}.
 *
 * <p>Variables set for the dialplan: ONEKEY_RECORDING=1 when a record step started recording,
 * ONEKEY_PRIO and then ONEKEY_QUEUE (last) by a queue step.
 */
public final class FlowRunner {

    public static final String VAR_QUEUE = "ONEKEY_QUEUE";
    public static final String VAR_PRIO = "ONEKEY_PRIO";
    public static final String VAR_RECORDING = "ONEKEY_RECORDING";
    public static final int DEFAULT_MAX_STEPS = 200;

    private static final Logger log = LoggerFactory.getLogger(FlowRunner.class);

    private final Clock clock;
    private final int maxSteps;

    public FlowRunner() {
        this(Clock.systemUTC(), DEFAULT_MAX_STEPS);
    }

    /** @param maxSteps executed-step cap; a flow that loops beyond it fails (a flow must terminate) */
    public FlowRunner(Clock clock, int maxSteps) {
        if (maxSteps <= 0) {
            throw new IllegalArgumentException("maxSteps must be > 0");
        }
        this.clock = clock;
        this.maxSteps = maxSteps;
    }

    public FlowResult run(Flow flow, FlowChannel channel, FlowHost host, Map<String, String> initialVars) {
        return new Execution(flow, channel, host, initialVars).run();
    }

    /** A flow ends early through this (queue, hangup). */
    private static final class Stop extends Exception {
        Stop(String reason) {
            super(reason, null, false, false);
        }
    }

    private final class Execution {
        final Flow flow;
        final FlowChannel channel;
        final FlowHost host;
        final Map<String, String> vars = new HashMap<>();
        final List<StepRecord> log = new ArrayList<>();
        String current = "start";

        Execution(Flow flow, FlowChannel channel, FlowHost host, Map<String, String> initialVars) {
            this.flow = flow;
            this.channel = channel;
            this.host = host;
            if (initialVars != null) {
                initialVars.forEach((k, v) -> {
                    if (k != null && v != null) {
                        vars.put(k, v);
                    }
                });
            }
        }

        FlowResult run() {
            int pc = 0;
            int executed = 0;
            try {
                while (pc < flow.steps().size()) {
                    if (++executed > maxSteps) {
                        return fail("step limit " + maxSteps + " exceeded at step #" + (pc + 1) + " (a loop without end?)");
                    }
                    Step step = flow.steps().get(pc);
                    current = "#" + (pc + 1) + " " + step.kind();
                    Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
                    StringBuilder detail = new StringBuilder();
                    Integer jump;
                    try {
                        jump = execute(step, detail);
                    } finally {
                        log.add(new StepRecord(at, current, detail.toString()));
                    }
                    pc = jump == null ? pc + 1 : jump;
                }
                return result(FlowResult.Status.ENDED, "end of flow");
            } catch (Stop s) {
                return result(FlowResult.Status.ENDED, s.getMessage());
            } catch (ChannelHungUpException e) {
                FlowRunner.log.info("flow={} step={} outcome=hungup", flow.name(), current);
                return result(FlowResult.Status.HUNG_UP, "caller hung up at step " + current);
            } catch (StepFailure e) {
                return fail(e.getMessage());
            } catch (RuntimeException e) {
                return fail(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }

        private FlowResult fail(String reason) {
            String full = "step " + current + ": " + reason;
            FlowRunner.log.warn("flow={} outcome=failed reason=\"{}\"", flow.name(), full);
            return result(FlowResult.Status.FAILED, full);
        }

        private FlowResult result(FlowResult.Status status, String reason) {
            return new FlowResult(status, reason, vars, log);
        }

        /** @return index of the next step, or null for "the following one" */
        private Integer execute(Step step, StringBuilder detail) throws ChannelHungUpException, Stop {
            switch (step) {
                case Step.Answer a -> channel.answer();
                case Step.SetVar s -> {
                    String value;
                    if (s.fromChannel() != null) {
                        value = channel.getVariable(s.fromChannel());
                        if (value == null) {
                            value = "";
                        }
                    } else {
                        value = s.value().render(vars);
                    }
                    vars.put(s.var(), value);
                    if (s.export()) {
                        channel.setVariable(s.var(), value);
                    }
                    detail.append("var=").append(s.var()).append(s.export() ? " exported" : "");
                }
                case Step.Lookup l -> {
                    Map<String, String> got;
                    try {
                        got = host.lookup(l.name(), Collections.unmodifiableMap(new HashMap<>(vars)));
                    } catch (RuntimeException e) {
                        if (!l.optional()) {
                            throw new StepFailure("lookup '" + l.name() + "' failed: " + e, e);
                        }
                        FlowRunner.log.warn("flow={} step={} lookup={} failed, continuing: {}", flow.name(), current,
                                l.name(), e.toString());
                        detail.append("lookup=").append(l.name()).append(" failed (optional): ").append(e.getClass().getSimpleName());
                        return null;
                    }
                    List<String> names = new ArrayList<>();
                    if (got != null) {
                        got.forEach((k, v) -> {
                            if (k != null && v != null) {
                                vars.put(k, v);
                                names.add(k);
                            }
                        });
                    }
                    Collections.sort(names);
                    detail.append("lookup=").append(l.name()).append(" set=").append(names);
                }
                case Step.Record r -> {
                    String file = r.file().render(vars).trim();
                    if (file.isEmpty()) {
                        // Leave ONEKEY_RECORDING unset: the dialplan then records the call itself.
                        detail.append("skipped: file name empty (").append(r.file()).append(")");
                        FlowRunner.log.warn("flow={} step={} record skipped: empty file name", flow.name(), current);
                    } else {
                        channel.startRecording(file);
                        channel.setVariable(VAR_RECORDING, "1");
                        vars.put(VAR_RECORDING, "1");
                        detail.append("file=").append(file);
                    }
                }
                case Step.Play p -> {
                    Optional<String> sound = resolve(p.prompt(), detail);
                    if (sound.isPresent()) {
                        Optional<String> digit = channel.playFile(sound.get(), p.interrupt());
                        digit.ifPresent(d -> detail.append(" digit=").append(d));
                        if (p.var() != null) {
                            vars.put(p.var(), digit.orElse(""));
                        }
                    } else if (p.var() != null) {
                        vars.put(p.var(), "");
                    }
                }
                case Step.ReadDigits r -> {
                    String prompt = r.prompt() == null ? null : resolve(r.prompt(), detail).orElse(null);
                    String digits = channel.readDigits(prompt, r.maxDigits(), r.timeoutMs());
                    digits = digits == null ? "" : digits;
                    vars.put(r.var(), digits);
                    detail.append(detail.isEmpty() ? "" : " ").append(r.var()).append("=")
                            .append(digits.isEmpty() ? "(timeout)" : digits.length() + " digits");
                }
                case Step.Menu m -> {
                    for (int attempt = 0; attempt <= m.retries(); attempt++) {
                        String prompt = resolve(m.prompt(), new StringBuilder()).orElse(null);
                        String d = channel.readDigits(prompt, 1, m.timeoutMs());
                        d = d == null ? "" : d;
                        String target = m.choices().get(d);
                        detail.append(detail.isEmpty() ? "" : " ").append("try").append(attempt + 1).append("=")
                                .append(d.isEmpty() ? "(timeout)" : d);
                        if (target != null) {
                            if (m.var() != null) {
                                vars.put(m.var(), d);
                            }
                            detail.append(" goto=").append(target);
                            return flow.indexOf(target);
                        }
                    }
                    if (m.var() != null) {
                        vars.put(m.var(), "");
                    }
                    detail.append(" goto=").append(m.defaultLabel()).append(" (default)");
                    return flow.indexOf(m.defaultLabel());
                }
                case Step.Branch b -> {
                    String value = vars.getOrDefault(b.var(), "");
                    boolean taken = b.condition().test(value);
                    detail.append(b.var()).append(taken ? " matched goto=" + b.target() : " no match");
                    return taken ? flow.indexOf(b.target()) : null;
                }
                case Step.Label l -> detail.append(l.name());
                case Step.Goto g -> {
                    detail.append("goto=").append(g.target());
                    return flow.indexOf(g.target());
                }
                case Step.Queue q -> {
                    String queue = q.queue().render(vars).trim();
                    String prio = q.priority().render(vars).trim();
                    if (queue.isEmpty()) {
                        throw new StepFailure("queue name is empty (" + q.queue() + ")", null);
                    }
                    if (!prio.matches("-?\\d{1,9}")) {
                        throw new StepFailure("priority '" + prio + "' is not an integer (" + q.priority() + ")", null);
                    }
                    channel.setVariable(VAR_PRIO, prio);
                    // Last on purpose: the dialplan treats an empty ONEKEY_QUEUE as "flow failed, fail open".
                    channel.setVariable(VAR_QUEUE, queue);
                    vars.put(VAR_PRIO, prio);
                    vars.put(VAR_QUEUE, queue);
                    detail.append("queue=").append(queue).append(" prio=").append(prio);
                    throw new Stop("queued to " + queue + " priority " + prio);
                }
                case Step.Hangup h -> {
                    channel.hangup();
                    throw new Stop("hangup step");
                }
            }
            return null;
        }

        /** The sound to play for a prompt; empty (and the step logs why) when TTS has no voice. */
        private Optional<String> resolve(Prompt p, StringBuilder detail) {
            if (p.isSound()) {
                String sound = p.sound().render(vars).trim();
                if (sound.isEmpty()) {
                    detail.append("skipped: sound name empty");
                    return Optional.empty();
                }
                detail.append("sound=").append(sound);
                return Optional.of(sound);
            }
            String language = p.language().render(vars).trim();
            Template text = p.texts().get(language);
            if (text == null) {
                Map.Entry<String, Template> first = p.texts().entrySet().iterator().next();
                // Single-string text: spoken in the requested language. Map: fall back to the first entry.
                if (!first.getKey().isEmpty()) {
                    language = first.getKey();
                }
                text = first.getValue();
            }
            if (language.isEmpty()) {
                language = "zh";
            }
            String rendered = text.render(vars);
            Optional<String> sound;
            try {
                sound = host.prompt(rendered, language);
            } catch (RuntimeException e) {
                FlowRunner.log.warn("flow={} step={} tts failed lang={}: {}", flow.name(), current, language, e.toString());
                sound = Optional.empty();
            }
            if (sound == null || sound.isEmpty()) {
                // An elder's call must not fail because a voice is missing: skip the prompt.
                FlowRunner.log.warn("flow={} step={} prompt skipped: no voice for lang={}", flow.name(), current, language);
                detail.append("skipped: no voice lang=").append(language);
                return Optional.empty();
            }
            detail.append("tts lang=").append(language).append(" sound=").append(sound.get());
            return sound;
        }
    }

    private static final class StepFailure extends RuntimeException {
        StepFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
