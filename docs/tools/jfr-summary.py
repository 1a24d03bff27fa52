#!/usr/bin/env python3
"""Summarise a JFR recording's CPU samples (jdk.ExecutionSample): top self methods, inclusive time by area."""
# Usage: python3 docs/tools/jfr-summary.py RECORDING.jfr [TOP]   (needs the JDK's jfr on the PATH)
# e.g. on the recording ./onekey bench surge -Dbench.jfr=/tmp/surge.jfr leaves (the measured surge only).
import json, subprocess, sys, collections, re
f = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "96", "--events", "jdk.ExecutionSample", f],
                     capture_output=True, text=True, check=True).stdout
events = json.loads(out)["recording"]["events"]
n = len(events)
per_thread = collections.defaultdict(collections.Counter)
selfc = collections.Counter(); incl = collections.Counter(); threads = collections.Counter(); areas = collections.Counter()
AREAS = [("asterisk-java (AMI reading, parsing)", "org.asteriskjava"), ("H2 database", "org.h2"), ("jOOQ", "org.jooq"),
         ("Jackson (JSON)", "com.fasterxml"), ("Netty (HTTP, WebSocket)", "io.netty"), ("logging (logback, slf4j)", "ch.qos.logback"),
         ("Hikari pool", "com.zaxxer"), ("java.util.regex", "java.util.regex"), ("reflection", "java.lang.reflect"),
         ("reflection (jdk.internal)", "jdk.internal.reflect")]
for e in events:
    fr = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
    names = [(x["method"]["type"]["name"] + "." + x["method"]["name"]).replace("/", ".") for x in fr]
    t = e["values"].get("sampledThread") or {}
    tn = t.get("javaName") or t.get("osName") or "?"
    threads[re.sub(r"\d+", "*", tn)] += 1
    ok = [nm for nm in names if (nm.startswith("onekey.") or nm.startswith("org.asteriskjava")) and "$$Lambda" not in nm][:2]
    commit = " [in a commit]" if any("commit" in nm.lower() for nm in names) else ""
    per_thread[re.sub(r"\d+", "*", tn)][" < ".join(ok) + commit if ok else names[0] if names else "?"] += 1
    if names:
        selfc[names[0]] += 1
    seen = set()
    for nm in names:
        if nm not in seen:
            incl[nm] += 1; seen.add(nm)
    hit = set()
    for label, pfx in AREAS:
        if any(nm.startswith(pfx) for nm in names):
            hit.add(label)
    for h in hit:
        areas[h] += 1
print(f"{n} CPU samples")
print("\nby thread:"); [print(f"  {c*100.0/n:5.1f}%  {k}") for k, c in threads.most_common(10)]
print("\nby area (inclusive; a sample may count in several):"); [print(f"  {c*100.0/n:5.1f}%  {k}") for k, c in areas.most_common() if c]
print(f"\ntop {top} methods by self time:"); [print(f"  {c*100.0/n:5.1f}%  {k}") for k, c in selfc.most_common(top)]
print(f"\ntop onekey methods, inclusive:"); [print(f"  {c*100.0/n:5.1f}%  {k}") for k, c in [kv for kv in incl.most_common() if kv[0].startswith('onekey.')][:top]]
print("\nper thread (top 6), the first OneKey / asterisk-java frames:")
for t, c in threads.most_common(6):
    print(f"  {c*100.0/n:5.1f}%  {t}")
    for k, v in per_thread[t].most_common(4):
        print(f"           {v*100.0/n:5.1f}%  {k}")
