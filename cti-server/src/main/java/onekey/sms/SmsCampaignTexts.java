package onekey.sms;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import onekey.broadcast.CampaignService;
import onekey.elders.Elder;
import onekey.elders.PhoneNumbers;

/**
 * A care campaign's texts (issue 20: "care campaigns may choose voice, SMS or both"): the campaign's words in the
 * {@code campaign} template, in the elder's language, to the elder's first mobile number; the row names the campaign
 * (and the elder's broadcast when the elder is called too), reason {@code campaign} — so it keeps the quiet hours.
 */
public final class SmsCampaignTexts implements CampaignService.Texts {
    private final SmsService sms;
    private final SmsRepository repo;
    private final String centre;

    public SmsCampaignTexts(SmsService sms, SmsRepository repo, String centreNumber) {
        this.sms = sms;
        this.repo = repo;
        this.centre = centreNumber;
    }

    @Override
    public boolean enabled() {
        return sms.enabled();
    }

    @Override
    public boolean send(Elder e, String campaignText, long campaignId, Long broadcastId, Instant at) {
        String mobile = e.phones() == null ? null
                : e.phones().stream().filter(PhoneNumbers::isMobile).findFirst().orElse(null);
        if (mobile == null) {
            return false;
        }
        String lang = "en".equals(e.language()) ? "en" : "zh";
        Map<String, String> v = new LinkedHashMap<>();
        v.put("elder", e.name());
        v.put("message", campaignText);
        v.put("centre", centre);
        // a campaign texts each elder once: the ref keeps a re-run of the scheduling from texting twice
        sms.send(mobile, SmsTemplates.render("campaign", lang, v), "campaign", new SmsService.Refs(e.id(), null,
                "campaign", lang, "campaign:" + campaignId + ":elder:" + e.id(), null, broadcastId, campaignId), at);
        return true;
    }

    @Override
    public Map<String, Integer> states(long campaignId) {
        return repo.campaignStates(campaignId);
    }
}
