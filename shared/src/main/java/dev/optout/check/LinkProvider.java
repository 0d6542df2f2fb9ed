package dev.optout.check;

import dev.optout.address.EmailAddress;
import dev.optout.topic.Topic;
import java.util.Map;

/**
 * Adds the unsubscribe headers and preference link to an allowed result. The check works
 * without one (no links configured); the unsubscribe feature supplies the real one.
 */
public interface LinkProvider {
    LinkProvider NONE = (address, topic, campaignId) -> null;

    /** Links for one recipient, or {@code null} for none. */
    Links linksFor(EmailAddress address, Topic topic, String campaignId);

    record Links(Map<String, String> headers, String preferencesUrl) {
    }
}
