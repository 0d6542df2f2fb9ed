package dev.optout.check;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Frequency;
import java.util.Map;

/**
 * One recipient's answer, in input order. Absent fields are omitted from the JSON.
 *
 * @param recipient      the recipient as given
 * @param address        canonical address; absent when invalid
 * @param reason         why not, when blocked
 * @param since          ISO-8601 time the block began, when it comes from the table
 * @param frequency      the person's frequency for the topic, when allowed
 * @param headers        List-Unsubscribe headers to put in the message, when allowed
 * @param preferencesUrl the person's preference center link, when allowed
 * @param detail         a readable explanation for {@code INVALID_ADDRESS}
 * @param complained     transactional checks only: {@code true} when the person once marked mail as
 *                       spam (reported, not blocking); absent otherwise
 * @param tags           SES message tags to send the message with ({@code EmailTags}), when allowed
 * @param until          ISO-8601 time a block expires by policy (a soft-bounce stop; a hard bounce when
 *                       configured), when it will: mail may go again from then without a write
 */
@JsonPropertyOrder({"recipient", "address", "allowed", "reason", "since", "frequency", "headers", "preferencesUrl", "detail",
        "complained", "tags", "until"})
public record CheckResult(String recipient, String address, boolean allowed, BlockReason reason, String since,
                          Frequency frequency, Map<String, String> headers, String preferencesUrl, String detail,
                          Boolean complained, Map<String, String> tags, String until) {

    public CheckResult(String recipient, String address, boolean allowed, BlockReason reason, String since,
                       Frequency frequency, Map<String, String> headers, String preferencesUrl, String detail,
                       Boolean complained, Map<String, String> tags) {
        this(recipient, address, allowed, reason, since, frequency, headers, preferencesUrl, detail, complained, tags, null);
    }

    public CheckResult(String recipient, String address, boolean allowed, BlockReason reason, String since,
                       Frequency frequency, Map<String, String> headers, String preferencesUrl, String detail) {
        this(recipient, address, allowed, reason, since, frequency, headers, preferencesUrl, detail, null, null);
    }

    public CheckResult withLinks(Map<String, String> headers, String preferencesUrl) {
        return new CheckResult(recipient, address, allowed, reason, since, frequency, headers, preferencesUrl, detail,
                complained, tags, until);
    }

    public CheckResult withTags(Map<String, String> tags) {
        return new CheckResult(recipient, address, allowed, reason, since, frequency, headers, preferencesUrl, detail,
                complained, tags, until);
    }

    public CheckResult withComplained(Boolean complained) {
        return new CheckResult(recipient, address, allowed, reason, since, frequency, headers, preferencesUrl, detail,
                complained, tags, until);
    }

    public CheckResult withUntil(String until) {
        return new CheckResult(recipient, address, allowed, reason, since, frequency, headers, preferencesUrl, detail,
                complained, tags, until);
    }
}
