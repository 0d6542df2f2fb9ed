package dev.optout.wiring;

import dev.optout.address.AddressKeys;
import dev.optout.aws.AwsClients;
import dev.optout.config.Settings;
import dev.optout.links.FeedbackId;
import dev.optout.links.ListUnsubscribeHeaders;
import dev.optout.links.MailtoAddresses;
import dev.optout.pending.PendingChanges;
import dev.optout.pending.PendingDeadLetters;
import dev.optout.snapstart.RenewableRandom;
import dev.optout.snapstart.SnapStartHooks;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.SuppressionStore;
import dev.optout.token.LinkKeySource;
import dev.optout.token.MailtoSealer;
import dev.optout.token.TokenOpener;
import dev.optout.token.TokenSealer;
import dev.optout.topic.TopicCatalog;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the collaborators a function needs from its settings, each once, on first use (a client
 * a function never asks for is never built). A handler's no-argument constructor uses it; tests
 * pass collaborators directly instead.
 *
 * <p>SnapStart: {@link #afterRestore()} renews what must not be shared by environments restored
 * from one snapshot (the random sources of nonces, history ids and jitter) and re-reads the keys.
 */
public final class Wiring {
    private final Settings settings;
    private final AwsClients aws;
    private final Clock clock;
    private final RenewableRandom random = new RenewableRandom();
    private DynamoDbClient dynamo;
    private AwsClients.CallBudget storeBudget = AwsClients.CallBudget.DEFAULT;
    private SecretsManagerClient secrets;
    private SecretKeys secretKeys;
    /** false: a function that seals and opens no links (its keys are the address-hash key alone). */
    private boolean linkKeysWanted = true;
    private TopicCatalog topics;
    private SuppressionStore store;
    private TokenSealer sealer;
    private TokenOpener opener;
    private ListUnsubscribeHeaders linkHeaders;
    private PendingChanges pendingChanges;
    private PendingDeadLetters pendingDeadLetters;
    private MailtoAddresses mailtoAddresses;

    public Wiring(Settings settings) {
        this(settings, Clock.systemUTC());
    }

    /** With another clock: tests drive the key refresh with it. */
    public Wiring(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.aws = new AwsClients(settings);
    }

    /**
     * Registers the function's SnapStart hooks: {@code priming} before the snapshot, then
     * {@link #afterRestore()} after each restore. The handler keeps the answer in a field.
     */
    public SnapStartHooks snapStartHooks(Runnable priming) {
        return SnapStartHooks.register(priming, this::afterRestore);
    }

    /** After a SnapStart restore: new random sources, and the keys as the secrets hold them now. */
    public void afterRestore() {
        random.renew();
        SecretKeys keys;
        synchronized (this) {
            keys = secretKeys;
        }
        if (keys != null) {
            keys.reload();
        }
    }

    /** The random source of nonces, history ids and jitter, renewed by {@link #afterRestore()}. */
    public RenewableRandom random() {
        return random;
    }

    public Settings settings() {
        return settings;
    }

    public AwsClients aws() {
        return aws;
    }

    public Clock clock() {
        return clock;
    }

    public synchronized DynamoDbClient dynamoDb() {
        if (dynamo == null) {
            dynamo = aws.configure(DynamoDbClient.builder(), storeBudget).build();
        }
        return dynamo;
    }

    /**
     * For a function a person waits on (one-click, the link pages, the preference API): the table's
     * client gets {@link AwsClients.CallBudget#USER_FACING}, so that a slow or throttled table is
     * given up on within it and the opt-out queued. It takes effect when called before anything
     * builds the table's client (as the handlers do); later it changes nothing. Never for the
     * pre-send check: it fails closed and has nothing to queue.
     */
    public synchronized Wiring withUserFacingBudget() {
        storeBudget = AwsClients.CallBudget.USER_FACING;
        return this;
    }

    public synchronized SecretsManagerClient secrets() {
        if (secrets == null) {
            secrets = aws.configure(SecretsManagerClient.builder()).build();
        }
        return secrets;
    }

    /** The keys from Secrets Manager (or inline, local), refreshed: see {@link SecretKeys}. */
    /**
     * For a function that seals and opens no links (SES feedback, pending changes): the secrets read
     * are the address-hash key alone, and the link-key settings are never asked for. It takes effect
     * when called before anything reads a key (as the handlers do); later it changes nothing.
     */
    public synchronized Wiring withoutLinkKeys() {
        linkKeysWanted = false;
        return this;
    }

    public synchronized SecretKeys secretKeys() {
        if (secretKeys == null) {
            secretKeys = new SecretKeys(settings, this::secrets, clock, linkKeysWanted);
        }
        return secretKeys;
    }

    public AddressKeys addressKeys() {
        return secretKeys().addressKeys();
    }

    public synchronized TopicCatalog topics() {
        if (topics == null) {
            topics = TopicCatalog.load(settings);
        }
        return topics;
    }

    public String tableName() {
        return settings.required(Settings.TABLE_NAME);
    }

    public synchronized SuppressionStore store() {
        if (store == null) {
            store = new SuppressionStore(dynamoDb(), tableName(), addressKeys(), clock, random);
        }
        return store;
    }

    /** The queue of pending changes: {@code PENDING_CHANGES_QUEUE_URL}, or {@link PendingChanges#NONE} when unset. */
    public synchronized PendingChanges pendingChanges() {
        if (pendingChanges == null) {
            pendingChanges = settings.optional(Settings.PENDING_CHANGES_QUEUE_URL)
                    .map(url -> new PendingChanges(aws.configure(SqsClient.builder()).build(), url))
                    .orElse(PendingChanges.NONE);
        }
        return pendingChanges;
    }

    /**
     * The pending-changes dead-letter queue: {@code PENDING_CHANGES_DEAD_LETTER_QUEUE_URL}, or
     * {@link PendingDeadLetters#NONE} when unset.
     */
    public synchronized PendingDeadLetters pendingDeadLetters() {
        if (pendingDeadLetters == null) {
            pendingDeadLetters = settings.optional(Settings.PENDING_CHANGES_DEAD_LETTER_QUEUE_URL)
                    .map(url -> new PendingDeadLetters(aws.configure(SqsClient.builder()).build(), url))
                    .orElse(PendingDeadLetters.NONE);
        }
        return pendingDeadLetters;
    }

    /** The link keys: {@code LINK_KEYS_SECRET_ARN}, else {@code LINK_KEYS} (local); they follow the secret. */
    public LinkKeySource linkKeys() {
        return secretKeys();
    }

    /** The pre-send check's reader of many addresses at once. */
    public BatchStateReader batchStateReader(int parallelism) {
        return new BatchStateReader(dynamoDb(), tableName(), parallelism, random);
    }

    public synchronized TokenSealer tokenSealer() {
        if (sealer == null) {
            sealer = new TokenSealer(linkKeys(), clock, random);
        }
        return sealer;
    }

    /** Opens links for {@code LINK_TOKEN_LIFETIME_DAYS} (default 400 days). */
    public synchronized TokenOpener tokenOpener() {
        if (opener == null) {
            opener = new TokenOpener(linkKeys(), settings.duration(Settings.LINK_TOKEN_LIFETIME_DAYS, TokenOpener.DEFAULT_LIFETIME), clock);
        }
        return opener;
    }

    /** The List-Unsubscribe headers builder: {@code PUBLIC_BASE_URL}, optional {@code UNSUBSCRIBE_MAILTO}. */
    public synchronized ListUnsubscribeHeaders linkHeaders() {
        if (linkHeaders == null) {
            // Read in both cases: with a receiving domain, each recipient's sealed mailto replaces this fixed one.
            settings.optional(Settings.UNSUBSCRIBE_MAILTO);
            linkHeaders = mailtoAddresses().isPresent()
                    ? ListUnsubscribeHeaders.withMailto(tokenSealer(), settings.required(Settings.PUBLIC_BASE_URL), mailtoAddresses().get())
                    : ListUnsubscribeHeaders.fromSettings(settings, tokenSealer());
            linkHeaders = linkHeaders.withFeedbackId(FeedbackId.fromSettings(settings));
        }
        return linkHeaders;
    }

    /**
     * The per-recipient mailto: addresses when {@code UNSUBSCRIBE_MAIL_DOMAIN} is set (empty:
     * none); tokens open for {@code LINK_TOKEN_LIFETIME_DAYS}, like the https links.
     */
    public synchronized java.util.Optional<MailtoAddresses> mailtoAddresses() {
        if (mailtoAddresses == null) {
            String domain = settings.optional(Settings.UNSUBSCRIBE_MAIL_DOMAIN).filter(d -> !d.isBlank()).orElse(null);
            if (domain == null) {
                return java.util.Optional.empty();
            }
            MailtoSealer sealer = new MailtoSealer(linkKeys(), topics().all().stream().map(dev.optout.topic.Topic::id).toList(),
                    settings.duration(Settings.LINK_TOKEN_LIFETIME_DAYS, TokenOpener.DEFAULT_LIFETIME), clock);
            mailtoAddresses = new MailtoAddresses(domain, sealer, addressKeys());
        }
        return java.util.Optional.of(mailtoAddresses);
    }

    /**
     * How long stops stand by policy: {@code SOFT_BOUNCE_STOP_EXPIRY_DAYS} (default 7) and
     * {@code HARD_BOUNCE_EXPIRY_DAYS} (default never); 0 means never. Complaints and opt-outs never expire.
     */
    public dev.optout.suppression.ExpiryPolicy expiryPolicy() {
        int soft = settings.integer(Settings.SOFT_BOUNCE_STOP_EXPIRY_DAYS, (int) dev.optout.suppression.ExpiryPolicy.DEFAULT_SOFT_BOUNCE_STOP.toDays());
        int hard = settings.integer(Settings.HARD_BOUNCE_EXPIRY_DAYS, 0);
        if (soft < 0 || hard < 0) {
            throw new dev.optout.config.ConfigurationException(Settings.SOFT_BOUNCE_STOP_EXPIRY_DAYS + " and " + Settings.HARD_BOUNCE_EXPIRY_DAYS
                    + " are days (0: never), got " + soft + " and " + hard);
        }
        return dev.optout.suppression.ExpiryPolicy.ofDays(soft, hard);
    }

    /** The public base URL, e.g. https://optout.example.com, without trailing slash. */
    public String publicBaseUrl() {
        return ListUnsubscribeHeaders.normalizeBaseUrl(settings.required(Settings.PUBLIC_BASE_URL));
    }
}
