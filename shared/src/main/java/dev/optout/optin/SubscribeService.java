package dev.optout.optin;

import dev.optout.address.AddressKeys;
import dev.optout.address.EmailAddress;
import dev.optout.consent.ConsentRules;
import dev.optout.consent.LegacyMarks;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.SendPolicy;
import dev.optout.suppression.Source;
import dev.optout.suppression.SuppressionStore;
import dev.optout.token.LinkToken;
import dev.optout.token.TokenSealer;
import dev.optout.topic.Topic;
import dev.optout.topic.TopicCatalog;
import dev.optout.topic.UnknownTopicException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Double opt-in: a request records a pending opt-in and mails a signed, expiring confirmation
 * link; only the person's POST from the confirmation page opts them in, recorded with source
 * {@link Source#CONFIRMED_OPT_IN} and the request's evidence plus when it was asked for and when
 * confirmed.
 *
 * <p>Abuse: the answer to a request is the same whatever the address (the caller shows one page);
 * at most one confirmation mail per address per {@code spacing} (a day), never to an address that
 * is suppressed (any address-wide stop: bounce, complaint, opt-out of all mail, a hold) or
 * forgotten, and at most {@code perIpPerHour} requests from one network address in an hour.
 */
public final class SubscribeService {
    /** Why a request sent no mail: for the logs and metrics only, never for the person. */
    public enum Result { SENT, HONEYPOT, RATE_LIMITED, ALREADY_SENT_TODAY, SUPPRESSED, FORGOTTEN, NOTHING_TO_CONFIRM }

    /**
     * The "topic" of a pending request to get all mail again after a complaint (a resume): its
     * confirmation opts the person back in to all mail and lifts the complaint.
     */
    public static final String ALL_MAIL = "*";

    private final SuppressionStore store;
    private final PendingOptIns pending;
    private final TopicCatalog catalog;
    private final AddressKeys addressKeys;
    private final TokenSealer sealer;
    private final ConfirmationMailer mailer;
    private final Clock clock;
    private final Supplier<byte[]> rateKey;
    private final Limits limits;
    private final dev.optout.snapstart.RenewableRandom random;

    /**
     * @param spacing      least time between two confirmation mails to one address
     * @param linkLifetime how long a confirmation link works (and the pending opt-in is kept)
     * @param perIpPerHour requests answered from one network address in an hour
     */
    public record Limits(Duration spacing, Duration linkLifetime, int perIpPerHour) {
        public static final Limits DEFAULT = new Limits(Duration.ofDays(1), Duration.ofDays(7), 20);
    }

    public SubscribeService(SuppressionStore store, PendingOptIns pending, TopicCatalog catalog, AddressKeys addressKeys,
                            TokenSealer sealer, ConfirmationMailer mailer, Clock clock, Supplier<byte[]> rateKey, Limits limits,
                            dev.optout.snapstart.RenewableRandom random) {
        this.random = Objects.requireNonNull(random);
        this.store = Objects.requireNonNull(store);
        this.pending = Objects.requireNonNull(pending);
        this.catalog = Objects.requireNonNull(catalog);
        this.addressKeys = Objects.requireNonNull(addressKeys);
        this.sealer = Objects.requireNonNull(sealer);
        this.mailer = Objects.requireNonNull(mailer);
        this.clock = Objects.requireNonNull(clock);
        this.rateKey = Objects.requireNonNull(rateKey);
        this.limits = Objects.requireNonNull(limits);
    }

    public TopicCatalog catalog() {
        return catalog;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * The topics asked for, checked against the catalog (unknown ones are the form's mistake,
     * answered 400 whatever the address); none asked for is a mistake too.
     */
    public List<String> topics(List<String> asked) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (String id : asked) {
            if (id != null && !id.isBlank()) {
                ids.add(catalog.require(id.strip()).id());
            }
        }
        if (ids.isEmpty()) {
            throw new UnknownTopicException("(none)", catalog.all().stream().map(Topic::id).toList());
        }
        return List.copyOf(ids);
    }

    /**
     * A request to subscribe {@code address} to {@code topics}: mails the confirmation when the
     * abuse rules allow. The caller answers the same whatever this returns.
     *
     * @param linkBase the confirmation page's URL without the token, e.g. {@code https://optout.example.com/c/}
     */
    public Result request(EmailAddress address, List<String> topics, String language, OptInEvidence evidence, String sourceIp,
                          String linkBase) {
        Instant now = clock.instant();
        Screened screened = screen(address, sourceIp, now);
        if (screened.refusal() != null) {
            return screened.refusal();
        }
        AddressState state = screened.state();
        if (SendPolicy.stop(state) != null) {
            return Result.SUPPRESSED;
        }
        return mail(address, topics, language, evidence, now, linkBase);
    }

    /**
     * The person, through their own link, asks for the confirmation mail that gets all their mail
     * back after a complaint (a link alone never lifts one: {@link ConsentRules.Lock#COMPLAINT_LOCKED}).
     * The same abuse rules as a signup: at most one confirmation mail per address per day (signup
     * and resume together), within the per-IP rate, never to a forgotten address, and never to an
     * address that bounced (a round-trip does not lift a bounce). Only while a complaint stands:
     * otherwise the link itself gets mail back and nothing is mailed. The caller answers the same
     * whatever this returns.
     */
    public Result requestResume(EmailAddress address, String language, OptInEvidence evidence, String sourceIp, String linkBase) {
        Instant now = clock.instant();
        Screened screened = screen(address, sourceIp, now);
        if (screened.refusal() != null) {
            return screened.refusal();
        }
        dev.optout.consent.ConsentState consent = LegacyMarks.read(screened.state());
        // what the confirmation could not lift (a bounce), then whether a link alone would do (no complaint)
        if (ConsentRules.lockAgainst(consent, Change.resubscribeAll(Provenance.of(Source.CONFIRMED_OPT_IN, now))) != null) {
            return Result.SUPPRESSED;
        }
        if (ConsentRules.lockAgainst(consent, Change.resubscribeAll(Provenance.of(Source.UNSUBSCRIBE_PAGE, now))) == null) {
            return Result.NOTHING_TO_CONFIRM;
        }
        return mail(address, List.of(ALL_MAIL), language, evidence, now, linkBase);
    }

    /** What every confirmation request meets first: the per-IP rate, then never to a forgotten address. */
    private Screened screen(EmailAddress address, String sourceIp, Instant now) {
        if (!pending.withinRate(rateKey.get(), sourceIp, now, limits.perIpPerHour())) {
            return new Screened(Result.RATE_LIMITED, null);
        }
        AddressState state = store.read(address);
        return new Screened(state.forgotten() != null ? Result.FORGOTTEN : null, state);
    }

    /** @param refusal why nothing is mailed, or {@code null} to go on with {@code state} */
    private record Screened(Result refusal, AddressState state) {
    }

    private Result mail(EmailAddress address, List<String> topics, String language, OptInEvidence evidence, Instant now, String linkBase) {
        String key = addressKeys.keyOf(address);
        byte[] id = new byte[10];
        random.nextBytes(id);
        String nonce = java.util.HexFormat.of().formatHex(id);
        PendingOptIns.Pending p = new PendingOptIns.Pending(topics, language, nonce, now, now, evidence.asMap(), null);
        if (!pending.recordIfDue(key, p, limits.spacing(), limits.linkLifetime())) {
            return Result.ALREADY_SENT_TODAY;
        }
        String token = sealer.seal(new LinkToken(address, null, nonce, now));
        // the page opens in the language the person asked in
        mailer.send(address, topics, language, linkBase + token + "?lang=" + language);
        return Result.SENT;
    }

    /** Whether a pending request asks for all mail again (a resume after a complaint), not for topics. */
    public static boolean isResume(List<String> topics) {
        return topics.equals(List.of(ALL_MAIL));
    }

    /** What the confirmation page shows: the pending opt-in the link names, if it still waits. */
    public Optional<PendingOptIns.Pending> pendingFor(LinkToken token) {
        return pending.read(addressKeys.keyOf(token.address())).filter(p -> p.nonce().equals(token.campaignId()));
    }

    /**
     * Confirms the opt-in the link names: the topics asked for become the person's confirmed
     * opt-ins, in one transaction with their history, at most once per request. A resume
     * ({@link #ALL_MAIL}) becomes a confirmed {@code RESUBSCRIBE_ALL}: the consent model lifts the
     * person's opt-out of all mail and the complaint with it, and says why in the history.
     *
     * @return the topics confirmed, or empty when the link names no pending opt-in (a newer request
     *         replaced it, or it expired)
     * @throws Locked when a complaint stands against a topic opt-in, or a bounce against a resume: nothing is written
     */
    public Optional<List<String>> confirm(LinkToken token, String confirmIp, String confirmAgent, OptInEvidence.IpRetention retention) {
        Optional<PendingOptIns.Pending> found = pendingFor(token);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        PendingOptIns.Pending p = found.get();
        if (p.confirmedAt() != null) {
            return Optional.of(p.topics());
        }
        Instant now = clock.instant();
        OptInEvidence asked = new OptInEvidence(p.evidence().get(OptInEvidence.CHANNEL), p.evidence().get(OptInEvidence.WORDING),
                p.evidence().get(OptInEvidence.WORDING_VERSION), null, null, null, null)
                .from(confirmIp, confirmAgent, retention).confirmed(p.requestedAt(), now);
        Provenance provenance = new Provenance(Source.CONFIRMED_OPT_IN, now, null, token.issuedAt(), asked.asMap());
        String requestIp = p.evidence().get(OptInEvidence.IP);
        if (requestIp != null) {
            provenance = provenance.withEvidence(java.util.Map.of("requestIp", requestIp));
        }
        AddressState state = store.read(token.address());
        List<Change> changes = new ArrayList<>();
        if (isResume(p.topics())) {
            Change c = Change.resubscribeAll(provenance);
            ConsentRules.Lock lock = ConsentRules.lockAgainst(LegacyMarks.read(state), c);
            if (lock != null) {
                throw new Locked(lock);
            }
            changes.add(c);
        }
        for (String topic : p.topics()) {
            if (catalog.find(topic).isPresent()) {
                Change c = Change.subscribeTopic(topic, provenance);
                ConsentRules.Lock lock = ConsentRules.lockAgainst(LegacyMarks.read(state), c);
                if (lock != null) {
                    throw new Locked(lock);
                }
                changes.add(c);
            }
        }
        if (!changes.isEmpty()) {
            store.applyAll(token.address(), changes, "optin-confirm:" + p.nonce());
        }
        pending.markConfirmed(addressKeys.keyOf(token.address()), p.nonce(), now);
        return Optional.of(p.topics());
    }

    /** A mark that a link cannot lift stands (a complaint): the confirmation writes nothing. */
    public static final class Locked extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient ConsentRules.Lock lock;

        public Locked(ConsentRules.Lock lock) {
            super("a link cannot turn mail back on: " + lock);
            this.lock = lock;
        }

        public ConsentRules.Lock lock() {
            return lock;
        }
    }
}
