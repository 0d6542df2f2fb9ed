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
 */
@JsonPropertyOrder({"recipient", "address", "allowed", "reason", "since", "frequency", "headers", "preferencesUrl", "detail"})
public record CheckResult(String recipient, String address, boolean allowed, BlockReason reason, String since,
                          Frequency frequency, Map<String, String> headers, String preferencesUrl, String detail) {

    public CheckResult withLinks(Map<String, String> headers, String preferencesUrl) {
        return new CheckResult(recipient, address, allowed, reason, since, frequency, headers, preferencesUrl, detail);
    }
}
