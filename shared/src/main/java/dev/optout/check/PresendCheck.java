package dev.optout.check;

import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.address.InvalidAddressException;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Deadline;
import dev.optout.suppression.ExpiryPolicy;
import dev.optout.suppression.Decision;
import dev.optout.suppression.SendPolicy;
import dev.optout.topic.Topic;
import dev.optout.topic.TopicCatalog;
import dev.optout.topic.UnknownTopicException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The pre-send check: for each recipient, may we mail them about this topic?
 *
 * <p>Canonicalizes every recipient, marks invalid ones and later repeats, reads the state of the
 * distinct addresses in batches, and decides each by {@link SendPolicy}. If any state cannot be
 * read the whole check fails ({@link dev.optout.suppression.StoreUnavailableException}): it never
 * answers "allowed" for someone it could not read.
 *
 * <p>Purpose: marketing (the default) applies every rule of {@link SendPolicy}; transactional mail
 * is blocked only by bounces ({@link SendPolicy#decideTransactional}) and a complaint is reported
 * ({@code "complained": true}). For marketing mail of a campaign, the campaign guard is read once
 * per call (not per recipient); while the campaign is paused, recipients who would be allowed get
 * {@code CAMPAIGN_PAUSED}. Allowed results carry the SES tags ({@link SesTags}).
 */
public final class PresendCheck {
    private final TopicCatalog catalog;
    private final AddressKeys addressKeys;
    private final BatchStateReader reader;
    private final LinkProvider links;
    private final CampaignPauses pauses;
    private final ExpiryPolicy expiry;
    private final Clock clock;

    public PresendCheck(TopicCatalog catalog, AddressKeys addressKeys, BatchStateReader reader, LinkProvider links) {
        this(catalog, addressKeys, reader, links, CampaignPauses.NONE);
    }

    /** Nothing expires by policy (a library embedding the check without one). */
    public PresendCheck(TopicCatalog catalog, AddressKeys addressKeys, BatchStateReader reader, LinkProvider links,
                        CampaignPauses pauses) {
        this(catalog, addressKeys, reader, links, pauses, ExpiryPolicy.NEVER, Clock.systemUTC());
    }

    /** Stops expire under {@code expiry}, judged at {@code clock}'s time of each check. */
    public PresendCheck(TopicCatalog catalog, AddressKeys addressKeys, BatchStateReader reader, LinkProvider links,
                        CampaignPauses pauses, ExpiryPolicy expiry, Clock clock) {
        this.expiry = Objects.requireNonNull(expiry);
        this.clock = Objects.requireNonNull(clock);
        this.catalog = Objects.requireNonNull(catalog);
        this.addressKeys = Objects.requireNonNull(addressKeys);
        this.reader = Objects.requireNonNull(reader);
        this.links = Objects.requireNonNull(links);
        this.pauses = Objects.requireNonNull(pauses);
    }

    public CheckResponse check(CheckRequest request, Deadline deadline) {
        boolean marketing = request.purpose() == Purpose.MARKETING;
        Topic topic = null;
        if (marketing) {
            try {
                topic = catalog.require(request.topic());
            } catch (UnknownTopicException e) {
                throw new InvalidCheckRequestException(e.getMessage());
            }
        }
        // One strongly consistent read per call; a failure fails the whole check (closed).
        Optional<Instant> paused = marketing && request.campaignId() != null
                ? pauses.pausedSince(SesTags.value(request.campaignId())) : Optional.empty();
        Map<String, String> tags = SesTags.of(request.purpose(), marketing ? topic.id() : null, request.campaignId());
        int n = request.recipients().size();
        EmailAddress[] addresses = new EmailAddress[n];
        String[] keys = new String[n];
        String[] invalidReasons = new String[n];
        boolean[] duplicate = new boolean[n];
        Set<String> distinct = new LinkedHashSet<>(n * 2);
        for (int i = 0; i < n; i++) {
            try {
                addresses[i] = AddressParser.parse(request.recipients().get(i));
            } catch (InvalidAddressException e) {
                invalidReasons[i] = detail(e.getMessage());
                continue;
            }
            keys[i] = addressKeys.keyOf(addresses[i]);
            duplicate[i] = !distinct.add(keys[i]);
        }

        Map<String, AddressState> states = distinct.isEmpty() ? Map.of() : reader.read(distinct, topic, deadline);
        Instant now = clock.instant();

        List<CheckResult> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String recipient = request.recipients().get(i);
            if (addresses[i] == null) {
                results.add(new CheckResult(recipient, null, false, BlockReason.INVALID_ADDRESS, null, null, null, null, invalidReasons[i]));
                continue;
            }
            String address = addresses[i].value();
            if (duplicate[i]) {
                results.add(new CheckResult(recipient, address, false, BlockReason.DUPLICATE, null, null, null, null, null));
                continue;
            }
            AddressState state = states.get(keys[i]);
            if (state == null) {
                // Defensive: the reader answers for every key; a missing one must not read as "allowed".
                throw new dev.optout.suppression.StoreUnavailableException("no state read for a recipient");
            }
            if (!marketing) {
                Decision d = SendPolicy.decideTransactional(state, expiry, now);
                CheckResult result = new CheckResult(recipient, address, d.allowed(), d.reason(),
                        d.since() == null ? null : d.since().toString(), null, null, null, null,
                        state.complaint() != null ? Boolean.TRUE : null, d.allowed() ? tags : null).withUntil(until(d));
                results.add(result);
                continue;
            }
            Decision d = SendPolicy.decide(state, topic, expiry, now);
            if (d.allowed() && paused.isPresent()) {
                d = Decision.block(BlockReason.CAMPAIGN_PAUSED, paused.get());
            }
            CheckResult result = new CheckResult(recipient, address, d.allowed(), d.reason(),
                    d.since() == null ? null : d.since().toString(), d.frequency(), null, null, null).withUntil(until(d));
            if (d.allowed()) {
                LinkProvider.Links l = links.linksFor(addresses[i], topic, request.campaignId());
                if (l != null) {
                    result = result.withLinks(l.headers(), l.preferencesUrl());
                }
                result = result.withTags(tags);
            }
            results.add(result);
        }
        return CheckResponse.of(results);
    }

    private static String until(Decision d) {
        return d.until() == null ? null : d.until().toString();
    }

    /** The explanation of an invalid address, cut to {@link AnswerSize#MAX_DETAIL_BYTES} so the answer's size stays bounded. */
    static String detail(String message) {
        String m = message == null ? "invalid address" : message;
        while (AnswerSize.jsonStringBytes(m) > AnswerSize.MAX_DETAIL_BYTES) {
            m = m.substring(0, m.offsetByCodePoints(m.length(), -1));
        }
        return m;
    }
}
