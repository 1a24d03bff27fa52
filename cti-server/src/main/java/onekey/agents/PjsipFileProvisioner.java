package onekey.agents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import onekey.telephony.Pbx;
import onekey.auth.Account;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions agents' PJSIP endpoints by rewriting {@code pjsip.agents.conf} (included by the
 * pjsip.conf OneKey ships) from the account table, atomically, then asking Asterisk over AMI to
 * reload res_pjsip: endpoints appear and change without restarting Asterisk or dropping calls.
 * The templates {@code onekey-agent-endpoint/-auth/-aor} live in asterisk-config's pjsip.conf.
 */
public final class PjsipFileProvisioner implements SipProvisioner {

    private static final Logger log = LoggerFactory.getLogger(PjsipFileProvisioner.class);

    private final Path file;
    private final Pbx pbx;
    private boolean reloadPending = true;

    public PjsipFileProvisioner(Path file, Pbx pbx) {
        this.file = file;
        this.pbx = pbx;
    }

    @Override
    public synchronized void sync(List<Account> accounts) {
        String text = render(accounts);
        try {
            if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(text) && !reloadPending) {
                return;
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write agent endpoints to " + file, e);
        }
        try {
            pbx.reloadSip();
            reloadPending = false;
            log.info("pjsip agents provisioned file={} endpoints={}", file, countEndpoints(accounts));
        } catch (Pbx.PbxException e) {
            // written; Asterisk reads the file when it (re)starts; reloaded on the next sync (every AMI connect)
            reloadPending = true;
            log.warn("pjsip agents written to {} but reload failed: {}", file, e.getMessage());
        }
    }

    private static long countEndpoints(List<Account> accounts) {
        return accounts.stream().filter(PjsipFileProvisioner::hasEndpoint).count();
    }

    /** Whether the account gets a SIP endpoint (enabled, with an extension and a SIP secret). */
    public static boolean hasEndpoint(Account a) {
        return a.enabled() && a.extension() != null && !a.extension().isBlank()
                && a.sipSecret() != null && !a.sipSecret().isBlank();
    }

    /** The file's content; extensions are digits (checked by the API) and secrets are quoted-safe. */
    static String render(List<Account> accounts) {
        return render(accounts, null);
    }

    /**
     * As {@link #render(List)}; with {@code contactVia} (host:port of a SIP front such as Kamailio, issue 25) each
     * agent's AOR gets the static contact {@code sip:<ext>@contactVia}: the Asterisk node sends the agent's calls
     * to the front, where the agent registered.
     */
    public static String render(List<Account> accounts, String contactVia) {
        StringBuilder b = new StringBuilder("; Written by OneKey from its account table; do not edit by hand.\n");
        accounts.stream().filter(PjsipFileProvisioner::hasEndpoint)
                .sorted(Comparator.comparing(Account::extension))
                .forEach(a -> {
                    String ext = a.extension();
                    if (!ext.matches("[0-9]{2,10}")) {
                        throw new IllegalArgumentException("extension must be digits: " + ext);
                    }
                    String name = (a.displayName() == null || a.displayName().isBlank() ? a.username() : a.displayName())
                            .replaceAll("[\"\\r\\n<>;]", "");
                    String secret = a.sipSecret().replaceAll("[\\r\\n;]", "");
                    b.append('\n')
                            .append('[').append(ext).append("](onekey-agent-endpoint)\n")
                            .append("auth=").append(ext).append("-auth\n")
                            .append("aors=").append(ext).append('\n')
                            .append("callerid=\"").append(name).append("\" <").append(ext).append(">\n")
                            .append('[').append(ext).append("-auth](onekey-agent-auth)\n")
                            .append("username=").append(ext).append('\n')
                            .append("password=").append(secret).append('\n')
                            .append('[').append(ext).append("](onekey-agent-aor)\n");
                    if (contactVia != null && !contactVia.isBlank()) {
                        b.append("contact=sip:").append(ext).append('@').append(contactVia).append('\n');
                    }
                });
        return b.toString();
    }
}
