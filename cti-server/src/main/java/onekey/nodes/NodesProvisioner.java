package onekey.nodes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import onekey.agents.PjsipFileProvisioner;
import onekey.agents.SipProvisioner;
import onekey.auth.Account;
import onekey.telephony.Pbx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents' SIP accounts with several nodes behind Kamailio (issue 25). The agents register once, with Kamailio,
 * which checks their digest against the subscriber table written here (db_text; Kamailio re-reads the file when it
 * changes). Every node gets the same endpoints as with one Asterisk, each AOR with the static contact
 * {@code sip:<ext>@<front>}: whichever node a call lands on sends the agent's leg to Kamailio, which looks the
 * agent's registration up. No node holds a registration, so no node is the one the agents depend on.
 */
public final class NodesProvisioner implements SipProvisioner {
    private static final Logger log = LoggerFactory.getLogger(NodesProvisioner.class);

    private final Map<String, Path> agentsConfByNode;
    private final String front;
    private final Path subscribers;
    private final Pbx pbx;

    /**
     * @param agentsConfByNode each node's pjsip.agents.conf (null values: that node's endpoints are provisioned elsewhere)
     * @param front            host:port of Kamailio (the agents' contact on the nodes)
     * @param subscribers      Kamailio's db_text subscriber file (null: not written)
     * @param pbx              the nodes, reloaded after the files changed
     */
    public NodesProvisioner(Map<String, Path> agentsConfByNode, String front, Path subscribers, Pbx pbx) {
        this.agentsConfByNode = Map.copyOf(agentsConfByNode);
        this.front = front;
        this.subscribers = subscribers;
        this.pbx = pbx;
    }

    @Override
    public synchronized void sync(List<Account> accounts) {
        String pjsip = PjsipFileProvisioner.render(accounts, front);
        for (Path f : agentsConfByNode.values()) {
            write(f, pjsip);
        }
        if (subscribers != null) {
            write(subscribers, subscriberTable(accounts));
        }
        try {
            pbx.reloadSip();
            log.info("agents provisioned on nodes={} front={} endpoints={}", agentsConfByNode.keySet(), front,
                    accounts.stream().filter(PjsipFileProvisioner::hasEndpoint).count());
        } catch (Pbx.PbxException e) {
            // written; a node reads them when it (re)starts; reloaded on the next sync (every AMI connect)
            log.warn("agents written but not reloaded on every node: {}", e.getMessage());
        }
    }

    /** Kamailio's db_text subscriber table (auth_db, calculate_ha1 with the plain password column). */
    static String subscriberTable(List<Account> accounts) {
        StringBuilder b = new StringBuilder(
                "id(int,auto) username(string) domain(string) password(string) ha1(string,null) ha1b(string,null) \n");
        accounts.stream().filter(PjsipFileProvisioner::hasEndpoint).sorted(Comparator.comparing(Account::extension))
                .forEach(a -> b.append(a.id()).append(':').append(dbText(a.extension())).append(":onekey:")
                        .append(dbText(a.sipSecret())).append("::\n"));
        return b.toString();
    }

    /** db_text escapes ':' and '\' with a backslash; line breaks are dropped. */
    static String dbText(String v) {
        return v.replaceAll("[\\r\\n]", "").replace("\\", "\\\\").replace(":", "\\:");
    }

    private static void write(Path file, String text) {
        if (file == null) {
            return;
        }
        try {
            if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
                return;
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
