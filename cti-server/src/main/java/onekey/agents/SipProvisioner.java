package onekey.agents;

import java.util.List;
import onekey.auth.Account;

/** Makes Asterisk's PJSIP endpoints match the accounts that have an extension, without restarting Asterisk. */
public interface SipProvisioner {
    void sync(List<Account> accounts);
}
