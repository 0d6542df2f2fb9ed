package dev.optout.optin;

import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Provenance;
import dev.optout.text.Sha256;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The proof of an opt-in, kept in the change's {@link Provenance#evidence()} (the history item),
 * so that a compliance officer can show where each person's consent came from: the channel, the
 * words the person saw and their version, when, and (as the sender configures) the network
 * address and user agent; for a confirmed opt-in, when it was asked for and when confirmed.
 *
 * @param channel        where it came from: {@code form}, {@code api}, {@code cli}, {@code import},
 *                       {@code provider} (SES list management) or {@code confirmation} (double opt-in)
 * @param wording        the words shown to the person when they opted in (null when none were shown)
 * @param wordingVersion the version of those words: {@link #versionOf} unless the caller names one
 * @param ip             the network address, as kept under the configured {@link IpRetention}
 * @param userAgent      the browser's user agent, kept only unless the retention is {@code none}
 * @param requestedAt    a confirmed opt-in: when it was asked for
 * @param confirmedAt    a confirmed opt-in: when the person confirmed it
 */
public record OptInEvidence(String channel, String wording, String wordingVersion, String ip, String userAgent,
                            Instant requestedAt, Instant confirmedAt) {
    /** Evidence keys (history attribute {@code evidence}). */
    public static final String CHANNEL = "optInChannel";
    public static final String WORDING = "wording";
    public static final String WORDING_VERSION = "wordingVersion";
    public static final String IP = "ip";
    public static final String USER_AGENT = "userAgent";
    public static final String REQUESTED_AT = "requestedAt";
    public static final String CONFIRMED_AT = "confirmedAt";

    /** Longest user agent kept (browsers send a few hundred characters). */
    static final int MAX_USER_AGENT = 512;
    /** Longest wording kept in one history item (DynamoDB items are at most 400 KB). */
    static final int MAX_WORDING = 4000;

    public static final String FORM = "form";
    public static final String API = "api";
    public static final String CLI = "cli";
    public static final String IMPORT = "import";
    public static final String PROVIDER = "provider";
    public static final String CONFIRMATION = "confirmation";

    /** A channel's evidence without words or network details. */
    public static OptInEvidence of(String channel) {
        return new OptInEvidence(channel, null, null, null, null, null, null);
    }

    /** Evidence with the words shown, versioned by their hash. */
    public static OptInEvidence shown(String channel, String wording) {
        String w = wording == null ? null : clip(wording, MAX_WORDING);
        return new OptInEvidence(channel, w, versionOf(w), null, null, null, null);
    }

    /** The same with the network details, kept as {@code retention} says. */
    public OptInEvidence from(String sourceIp, String agent, IpRetention retention) {
        return new OptInEvidence(channel, wording, wordingVersion, retention.keep(sourceIp),
                retention == IpRetention.NONE || agent == null || agent.isBlank() ? null : clip(agent.strip(), MAX_USER_AGENT),
                requestedAt, confirmedAt);
    }

    /** The same as a confirmed opt-in: asked for at {@code requested}, confirmed at {@code confirmed}. */
    public OptInEvidence confirmed(Instant requested, Instant confirmed) {
        return new OptInEvidence(channel, wording, wordingVersion, ip, userAgent, requested, confirmed);
    }

    /** The evidence map (only the facts known). */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, CHANNEL, channel);
        put(m, WORDING, wording);
        put(m, WORDING_VERSION, wordingVersion);
        put(m, IP, ip);
        put(m, USER_AGENT, userAgent);
        put(m, REQUESTED_AT, requestedAt == null ? null : requestedAt.toString());
        put(m, CONFIRMED_AT, confirmedAt == null ? null : confirmedAt.toString());
        return m;
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    /** Whether a change is an opt-in (it makes the person mailable, or mailable about a topic, again). */
    public static boolean isOptIn(Change change) {
        return change.action() == Action.SUBSCRIBE_TOPIC || change.action() == Action.RESUBSCRIBE_ALL;
    }

    /** {@code changes} with each opt-in's provenance carrying its evidence; the other changes as they are. */
    public static List<Change> attach(List<Change> changes, Function<Change, OptInEvidence> evidence) {
        List<Change> out = new ArrayList<>(changes.size());
        for (Change c : changes) {
            out.add(isOptIn(c) ? attach(c, evidence.apply(c)) : c);
        }
        return out;
    }

    /** One change with the evidence added to its provenance. */
    public static Change attach(Change c, OptInEvidence evidence) {
        Provenance p = c.provenance().withEvidence(evidence.asMap());
        return new Change(c.action(), c.topic(), c.frequency(), c.detail(), p, c.idempotencyKey());
    }

    /**
     * The standing opt-ins' proof, read from the history (newest first): for each topic opted in to,
     * and for {@code "*"} (all marketing mail) the latest opt-in event not followed by an opt-out.
     */
    public static Map<String, HistoryEvent> latestOptIns(List<HistoryEvent> newestFirst) {
        Map<String, HistoryEvent> found = new LinkedHashMap<>();
        java.util.Set<String> decided = new java.util.HashSet<>();
        for (HistoryEvent e : newestFirst) {
            String slot = switch (e.action()) {
                case SUBSCRIBE_TOPIC, UNSUBSCRIBE_TOPIC -> e.topic();
                case RESUBSCRIBE_ALL, UNSUBSCRIBE_ALL -> "*";
                default -> null;
            };
            if (slot == null || !decided.add(slot)) {
                continue;
            }
            if (e.action() == Action.SUBSCRIBE_TOPIC || e.action() == Action.RESUBSCRIBE_ALL) {
                found.put(slot, e);
            }
        }
        return found;
    }

    /** A version of the words: {@code sha256:} and the first 12 hex digits of their SHA-256 (same words, same version). */
    public static String versionOf(String wording) {
        if (wording == null) {
            return null;
        }
        return "sha256:" + Sha256.hexPrefix(Sha256.of(wording), 6);
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    /** How much of the person's network address and user agent is kept with an opt-in. */
    public enum IpRetention {
        /** The address as seen, and the user agent. */
        FULL,
        /** IPv4 to its /24, IPv6 to its /48 (the rest zeroed), and the user agent: the default. */
        TRUNCATED,
        /** Neither the address nor the user agent. */
        NONE;

        private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

        /** From {@link Settings#OPT_IN_IP_RETENTION}: {@code full}, {@code truncated} (default) or {@code none}. */
        public static IpRetention fromSettings(Settings settings) {
            String v = settings.optional(Settings.OPT_IN_IP_RETENTION).orElse("truncated");
            try {
                return valueOf(v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(Settings.OPT_IN_IP_RETENTION + " must be full, truncated or none, got '" + v + "'");
            }
        }

        /** The address as kept, or null (none kept, none given, or not an IP address). */
        public String keep(String ip) {
            if (this == NONE || ip == null || ip.isBlank()) {
                return null;
            }
            String s = ip.strip();
            boolean v4 = IPV4.matcher(s).matches();
            if (!v4 && (s.indexOf(':') < 0 || !s.matches("[0-9A-Fa-f:.]+"))) {
                return null; // never a host name lookup, never free text
            }
            byte[] b;
            try {
                b = InetAddress.getByName(s).getAddress();
            } catch (UnknownHostException | SecurityException e) {
                return null;
            }
            if (this == FULL) {
                return s;
            }
            int keepBytes = b.length == 4 ? 3 : 6;
            for (int i = keepBytes; i < b.length; i++) {
                b[i] = 0;
            }
            try {
                String t = InetAddress.getByAddress(b).getHostAddress();
                return t + (b.length == 4 ? "/24" : "/48");
            } catch (UnknownHostException e) {
                return null;
            }
        }
    }
}
