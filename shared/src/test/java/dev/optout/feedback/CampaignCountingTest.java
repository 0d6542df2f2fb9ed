package dev.optout.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressParser;
import dev.optout.campaign.CampaignCounts;
import dev.optout.check.SesTags;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each SES event adds to its campaign's counters (the campaign guard's input). */
class CampaignCountingTest {
    private static final Instant AT = Instant.parse("2026-11-04T10:30:00Z");
    private static final List<String> THREE = List.of("a@example.com", "b@example.com", "c@example.com");

    static Map<String, List<String>> tags(String campaign, String purpose) {
        Map<String, List<String>> tags = new LinkedHashMap<>();
        tags.put("ses:configuration-set", List.of("optout"));
        if (campaign != null) {
            tags.put(SesTags.CAMPAIGN, List.of(campaign));
        }
        if (purpose != null) {
            tags.put(SesTags.PURPOSE, List.of(purpose));
        }
        return tags;
    }

    private static SesEvent send(List<String> to, Map<String, List<String>> tags) {
        return new SesEvent(SesEventType.SEND, "Send", SesEvent.Format.EVENT_PUBLISHING, "m-1", AT, to, tags,
                null, null, null, null, null);
    }

    private static List<FeedbackRecipient> recipients(int n) {
        return THREE.subList(0, n).stream().map(a -> new FeedbackRecipient(AddressParser.parseOrNull(a), null, null, null)).toList();
    }

    private static SesEvent bounce(String type, int recipients, Map<String, List<String>> tags) {
        return new SesEvent(SesEventType.BOUNCE, "Bounce", SesEvent.Format.EVENT_PUBLISHING, "m-1", AT, THREE, tags,
                new SesEvent.Bounce(type, "General", recipients(recipients), AT, "fb-1", null, null), null, null, null, null);
    }

    private static SesEvent complaint(String feedbackType, int recipients, Map<String, List<String>> tags) {
        return new SesEvent(SesEventType.COMPLAINT, "Complaint", SesEvent.Format.EVENT_PUBLISHING, "m-1", AT, THREE, tags, null,
                new SesEvent.Complaint(feedbackType, null, recipients(recipients), AT, "fb-1", null), null, null, null);
    }

    @Test
    void aSenderRejectionCountsAsABounceAndPerReceivingProvider() {
        List<FeedbackRecipient> rs = List.of(
                new FeedbackRecipient(AddressParser.parseOrNull("a@gmail.com"), "failed", "5.7.26",
                        "smtp; 550-5.7.26 This mail has been blocked because the sender is unauthenticated."),
                new FeedbackRecipient(AddressParser.parseOrNull("b@gmail.com"), "failed", "5.7.26", "smtp; 550 5.7.26 blocked"),
                new FeedbackRecipient(AddressParser.parseOrNull("c@hotmail.com"), "failed", "5.7.515", "smtp; 550 5.7.515 Access denied"),
                new FeedbackRecipient(AddressParser.parseOrNull("d@example.com"), "failed", "5.1.1", "smtp; 550 5.1.1 user unknown"));
        SesEvent e = new SesEvent(SesEventType.BOUNCE, "Bounce", SesEvent.Format.EVENT_PUBLISHING, "m-1", AT, THREE,
                tags("nov-weekly", "marketing"), new SesEvent.Bounce("Permanent", "General", rs, AT, "fb-1", null, null),
                null, null, null, null);
        assertThat(CampaignTally.of(e)).contains(new CampaignTally.Share("nov-weekly",
                new CampaignCounts(0, 4, 0, Map.of("gmail.com", 2L, "outlook.com", 1L))));
    }

    @Test
    void aSendCountsItsRecipientsForItsCampaign() {
        assertThat(CampaignTally.of(send(THREE, tags("nov-weekly", "marketing"))))
                .contains(new CampaignTally.Share("nov-weekly", new CampaignCounts(3, 0, 0)));
        assertThat(CampaignTally.of(send(THREE.subList(0, 1), tags("nov-weekly", null))))
                .contains(new CampaignTally.Share("nov-weekly", new CampaignCounts(1, 0, 0)));
    }

    @Test
    void aPermanentBounceCountsItsBouncedRecipientsAndATransientOneNothing() {
        assertThat(CampaignTally.of(bounce("Permanent", 2, tags("nov-weekly", "marketing"))))
                .contains(new CampaignTally.Share("nov-weekly", new CampaignCounts(0, 2, 0)));
        assertThat(CampaignTally.of(bounce("Transient", 2, tags("nov-weekly", "marketing")))).isEmpty();
        assertThat(CampaignTally.of(bounce("Undetermined", 1, tags("nov-weekly", "marketing")))).isEmpty();
    }

    @Test
    void aComplaintCountsItsRecipientsUnlessTheIspSaysNotSpam() {
        assertThat(CampaignTally.of(complaint("abuse", 2, tags("nov-weekly", "marketing"))))
                .contains(new CampaignTally.Share("nov-weekly", new CampaignCounts(0, 0, 2)));
        assertThat(CampaignTally.of(complaint(null, 1, tags("nov-weekly", "marketing"))))
                .contains(new CampaignTally.Share("nov-weekly", new CampaignCounts(0, 0, 1)));
        assertThat(CampaignTally.of(complaint("not-spam", 2, tags("nov-weekly", "marketing")))).isEmpty();
    }

    @Test
    void otherEventsAndEventsThatAddNothingCountForNoCampaign() {
        SesEvent delivery = new SesEvent(SesEventType.DELIVERY, "Delivery", SesEvent.Format.EVENT_PUBLISHING, "m-1", AT, THREE,
                tags("nov-weekly", "marketing"), null, null, new SesEvent.Delivery(List.of(), 0, AT, null), null, null);
        assertThat(CampaignTally.of(delivery)).isEmpty();
        assertThat(CampaignTally.of(send(List.of(), tags("nov-weekly", "marketing")))).as("no recipients").isEmpty();
        assertThat(CampaignTally.of(bounce("Permanent", 0, tags("nov-weekly", "marketing")))).as("no recipients").isEmpty();
    }

    @Test
    void mailWithoutACampaignTagOrTaggedTransactionalCountsForNoCampaign() {
        assertThat(CampaignTally.of(send(THREE, tags(null, "marketing")))).as("no campaign tag").isEmpty();
        assertThat(CampaignTally.of(send(THREE, tags(" ", "marketing")))).as("blank campaign tag").isEmpty();
        assertThat(CampaignTally.of(send(THREE, Map.of(SesTags.CAMPAIGN, List.of())))).as("tag without value").isEmpty();
        assertThat(CampaignTally.of(send(THREE, Map.of()))).as("identity notifications carry no tags").isEmpty();
        assertThat(CampaignTally.of(send(THREE, tags("nov-weekly", "transactional")))).isEmpty();
        assertThat(CampaignTally.of(complaint("abuse", 1, tags("nov-weekly", "transactional")))).isEmpty();
    }
}
