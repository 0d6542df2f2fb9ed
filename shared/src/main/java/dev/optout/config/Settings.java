package dev.optout.config;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Configuration as the function sees it: environment variables set by template.yaml in Lambda,
 * or the same names from a map in tests and the local runtime. Nothing else is read.
 */
public final class Settings {
    /** Names of every variable the code reads; template.yaml is tested against this list. */
    public static final String TABLE_NAME = "TABLE_NAME";
    public static final String TOPIC_CATALOG = "TOPIC_CATALOG";
    public static final String ADDRESS_HASH_KEY_SECRET_ARN = "ADDRESS_HASH_KEY_SECRET_ARN";
    /** Local and test runs only: the address-hash key itself, base64. Never set in template.yaml. */
    public static final String ADDRESS_HASH_KEY = "ADDRESS_HASH_KEY";
    /** Secrets Manager secret holding the link keys: {"active":"k2","keys":{"k1":"<base64 32 bytes>",..}}. */
    public static final String LINK_KEYS_SECRET_ARN = "LINK_KEYS_SECRET_ARN";
    /** Local and test runs only: the link keys JSON itself (same format as the secret). Never in template.yaml. */
    public static final String LINK_KEYS = "LINK_KEYS";
    /** How old the keys read from Secrets Manager may grow before they are read again, in seconds (default 300). */
    public static final String SECRETS_REFRESH_SECONDS = "SECRETS_REFRESH_SECONDS";
    /** Where people reach the service, e.g. https://optout.example.com (no trailing slash). */
    public static final String PUBLIC_BASE_URL = "PUBLIC_BASE_URL";
    /** Page language when the browser asks for none we offer: en or id. */
    public static final String DEFAULT_LANGUAGE = "DEFAULT_LANGUAGE";
    /** How long an unsubscribe/preference link keeps working, in days (default 400). */
    public static final String LINK_TOKEN_LIFETIME_DAYS = "LINK_TOKEN_LIFETIME_DAYS";
    /** Optional address for a mailto: URI in List-Unsubscribe, after the https one. */
    public static final String UNSUBSCRIBE_MAILTO = "UNSUBSCRIBE_MAILTO";
    /**
     * Optional domain where Amazon SES receives unsubscribe mail: each recipient then gets their
     * own sealed {@code mailto:<token>@DOMAIN} (it takes the place of {@link #UNSUBSCRIBE_MAILTO}).
     */
    public static final String UNSUBSCRIBE_MAIL_DOMAIN = "UNSUBSCRIBE_MAIL_DOMAIN";
    /**
     * Optional sender id for Gmail's feedback loop: with it, the check's headers carry
     * {@code Feedback-ID: CAMPAIGN:TOPIC:SENDERID} when a campaign is given.
     */
    public static final String FEEDBACK_SENDER_ID = "FEEDBACK_SENDER_ID";
    /** The campaign guard pauses a campaign when one receiving provider rejected more than this many messages (0: never). */
    public static final String CAMPAIGN_SENDER_REJECTIONS = "CAMPAIGN_SENDER_REJECTIONS";
    /** Days after which a soft-bounce stop expires by policy (default 7; 0: never). */
    public static final String SOFT_BOUNCE_STOP_EXPIRY_DAYS = "SOFT_BOUNCE_STOP_EXPIRY_DAYS";
    /** Days after which a hard bounce expires by policy, for a re-test (default 0: never). */
    public static final String HARD_BOUNCE_EXPIRY_DAYS = "HARD_BOUNCE_EXPIRY_DAYS";
    /**
     * How much of a person's network address and user agent an opt-in keeps as evidence:
     * {@code full}, {@code truncated} (default: IPv4 /24, IPv6 /48) or {@code none}.
     */
    public static final String OPT_IN_IP_RETENTION = "OPT_IN_IP_RETENTION";
    /** The address confirmation mails come from (an SES verified identity), e.g. news@example.com. */
    public static final String CONFIRMATION_FROM = "CONFIRMATION_FROM";
    /** The SES configuration set mails are sent with (the stack's, so their events reach the feedback flow). */
    public static final String SES_CONFIGURATION_SET = "SES_CONFIGURATION_SET";
    /** Who is asking: the sender's name shown on every page and mail. */
    public static final String SENDER_NAME = "SENDER_NAME";
    /** Who is asking: an https URL of the sender's logo, shown on every page. */
    public static final String BRAND_LOGO_URL = "BRAND_LOGO_URL";
    /** The colour of links and buttons on the pages, #rrggbb, at least 4.5:1 against white. */
    public static final String BRAND_COLOR = "BRAND_COLOR";
    /** The sender's postal address, shown on every page and mail. */
    public static final String BRAND_POSTAL_ADDRESS = "BRAND_POSTAL_ADDRESS";
    /** An https URL of the sender's privacy policy, linked from every page and mail. */
    public static final String BRAND_PRIVACY_URL = "BRAND_PRIVACY_URL";
    /** How long a confirmation link works, in days (default 7). */
    public static final String CONFIRMATION_LINK_DAYS = "CONFIRMATION_LINK_DAYS";
    /** Subscribe requests answered from one network address in an hour (default 20). */
    public static final String SUBSCRIBE_REQUESTS_PER_IP_HOUR = "SUBSCRIBE_REQUESTS_PER_IP_HOUR";
    /** Local and test runs only: where the AWS endpoints are (moto, LocalStack). */
    public static final String AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL";
    public static final String AWS_REGION = "AWS_REGION";
    /** Soft bounces within the window after which an address is suppressed (default 3). */
    public static final String SOFT_BOUNCE_THRESHOLD = "SOFT_BOUNCE_THRESHOLD";
    /** The soft-bounce counting window, in days (default 14). */
    public static final String SOFT_BOUNCE_WINDOW_DAYS = "SOFT_BOUNCE_WINDOW_DAYS";
    /** true: also add hard bounces and complaints to the SES account suppression list. */
    public static final String SES_SUPPRESSION_MIRRORING = "SES_SUPPRESSION_MIRRORING";
    /**
     * Erasure from the preference page: the queues whose message bodies may hold an address, as
     * {@code LogicalId=url,LogicalId=url}; their retention says when the last copy is gone.
     */
    public static final String ERASURE_QUEUE_URLS = "ERASURE_QUEUE_URLS";
    /** {@code apply} (default) or {@code ignore}: whether SES list-management opt-ins change anything here. */
    public static final String SES_SUBSCRIPTION_OPT_INS = "SES_SUBSCRIPTION_OPT_INS";
    /** Campaign guard: complaint rate (fraction, e.g. 0.001 = 0.1%) above which a campaign is paused. */
    public static final String CAMPAIGN_COMPLAINT_RATE = "CAMPAIGN_COMPLAINT_RATE";
    /** Campaign guard: sends (since the last resume) before the complaint rate is judged. */
    public static final String CAMPAIGN_COMPLAINT_MIN_SENDS = "CAMPAIGN_COMPLAINT_MIN_SENDS";
    /** Campaign guard: hard-bounce rate (fraction, e.g. 0.05 = 5%) above which a campaign is paused. */
    public static final String CAMPAIGN_BOUNCE_RATE = "CAMPAIGN_BOUNCE_RATE";
    /** Campaign guard: sends (since the last resume) before the bounce rate is judged. */
    public static final String CAMPAIGN_BOUNCE_MIN_SENDS = "CAMPAIGN_BOUNCE_MIN_SENDS";
    /** Campaign guard: counter shards (partition keys) per campaign. */
    public static final String CAMPAIGN_COUNTER_SHARDS = "CAMPAIGN_COUNTER_SHARDS";

    /** The SNS topic SES publishes feedback to: envelopes from any other topic are refused. */
    public static final String SES_EVENTS_TOPIC_ARN = "SES_EVENTS_TOPIC_ARN";
    /** true (default): SNS envelopes must carry a valid SNS signature. false only where SNS does not sign (moto). */
    public static final String SNS_SIGNATURE_VERIFICATION = "SNS_SIGNATURE_VERIFICATION";
    /** true: the subscription uses raw message delivery, so raw SES bodies are accepted (default false). */
    public static final String SES_RAW_MESSAGE_DELIVERY = "SES_RAW_MESSAGE_DELIVERY";
    /** true: SNS envelopes signed with SignatureVersion 1 (SHA1withRSA) are accepted too (default false: only 2). */
    public static final String SNS_SIGNATURE_VERSION_1_ALLOWED = "SNS_SIGNATURE_VERSION_1_ALLOWED";

    /** The SQS queue of pending changes (opt-outs the table could not take); unset: none, a 503 instead. */
    public static final String PENDING_CHANGES_QUEUE_URL = "PENDING_CHANGES_QUEUE_URL";
    /**
     * The pending-changes dead-letter queue: PendingChangesFunction moves a body it can never apply
     * (unreadable, or a topic not in the catalog) there at once instead of letting it be retried.
     */
    public static final String PENDING_CHANGES_DEAD_LETTER_QUEUE_URL = "PENDING_CHANGES_DEAD_LETTER_QUEUE_URL";
    /** The EventBridge bus the change events go to (ChangeEventsFunction). */
    public static final String EVENT_BUS_NAME = "EVENT_BUS_NAME";
    /** {@code true}: change events carry only the keyed hash of the address, never the address (default false). */
    public static final String CHANGE_EVENTS_HASH_ONLY = "CHANGE_EVENTS_HASH_ONLY";

    private final Map<String, String> values;
    /** Every name asked for, set or not (shared by copies): what a function reads, for the template contract test. */
    private final Set<String> namesRead;

    private Settings(Map<String, String> values, Set<String> namesRead) {
        this.values = Collections.unmodifiableMap(new HashMap<>(values));
        this.namesRead = namesRead;
    }

    private Settings(Map<String, String> values) {
        this(values, ConcurrentHashMap.newKeySet());
    }

    public static Settings fromEnvironment() {
        return new Settings(System.getenv());
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /** A copy with some values replaced. */
    public Settings with(Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>(values);
        merged.putAll(overrides);
        return new Settings(merged, namesRead);
    }

    /** The names the code has asked for so far, whether or not they were set. */
    public Set<String> namesRead() {
        return Set.copyOf(namesRead);
    }

    public Optional<String> optional(String name) {
        namesRead.add(name);
        String v = values.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    public String required(String name) {
        return optional(name).orElseThrow(() -> new ConfigurationException(
                "environment variable " + name + " is not set"));
    }

    public int integer(String name, int defaultValue) {
        return optional(name).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new ConfigurationException(name + " must be a whole number, got '" + v + "'");
            }
        }).orElse(defaultValue);
    }

    public double fraction(String name, double defaultValue) {
        return optional(name).map(v -> {
            try {
                double d = Double.parseDouble(v);
                if (!(d > 0 && d < 1)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw new ConfigurationException(name + " must be a fraction between 0 and 1 (0.001 = 0.1%), got '" + v + "'");
            }
        }).orElse(defaultValue);
    }

    public Duration duration(String name, Duration defaultValue) {
        return optional(name).map(v -> {
            try {
                return v.startsWith("P") ? Duration.parse(v) : Duration.ofDays(Long.parseLong(v));
            } catch (RuntimeException e) {
                throw new ConfigurationException(name + " must be a number of days or an ISO-8601 duration, got '" + v + "'");
            }
        }).orElse(defaultValue);
    }

    public boolean flag(String name, boolean defaultValue) {
        return optional(name).map(v -> v.equalsIgnoreCase("true") || v.equals("1")).orElse(defaultValue);
    }
}
