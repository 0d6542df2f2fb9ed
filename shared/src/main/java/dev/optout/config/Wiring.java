package dev.optout.config;

import dev.optout.address.AddressKeys;
import dev.optout.aws.AwsClients;
import dev.optout.links.ListUnsubscribeHeaders;
import dev.optout.links.MailtoAddresses;
import dev.optout.token.MailtoSealer;
import dev.optout.suppression.SuppressionStore;
import dev.optout.token.LinkKeys;
import dev.optout.token.TokenOpener;
import dev.optout.token.TokenSealer;
import dev.optout.topic.TopicCatalog;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Builds the collaborators a function needs from its settings, each once, at init. A handler's
 * no-argument constructor uses it; tests pass collaborators directly instead.
 */
public final class Wiring {
    private final Settings settings;
    private final AwsClients aws;
    private final Clock clock = Clock.systemUTC();
    private DynamoDbClient dynamo;
    private SecretsManagerClient secrets;
    private AddressKeys addressKeys;
    private TopicCatalog topics;
    private SuppressionStore store;
    private LinkKeys linkKeys;
    private TokenSealer sealer;
    private TokenOpener opener;
    private ListUnsubscribeHeaders linkHeaders;
    private MailtoAddresses mailtoAddresses;

    public Wiring(Settings settings) {
        this.settings = settings;
        this.aws = new AwsClients(settings);
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
            dynamo = aws.configure(DynamoDbClient.builder()).build();
        }
        return dynamo;
    }

    public synchronized SecretsManagerClient secrets() {
        if (secrets == null) {
            secrets = aws.configure(SecretsManagerClient.builder()).build();
        }
        return secrets;
    }

    public synchronized AddressKeys addressKeys() {
        if (addressKeys == null) {
            addressKeys = Keys.addressKeys(settings, this::secrets);
        }
        return addressKeys;
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
            store = new SuppressionStore(dynamoDb(), tableName(), addressKeys(), clock);
        }
        return store;
    }

    /** The link keys: {@code LINK_KEYS_SECRET_ARN}, else {@code LINK_KEYS} (local). */
    public synchronized LinkKeys linkKeys() {
        if (linkKeys == null) {
            linkKeys = LinkKeys.load(settings, this::secrets);
        }
        return linkKeys;
    }

    public synchronized TokenSealer tokenSealer() {
        if (sealer == null) {
            sealer = new TokenSealer(linkKeys(), clock);
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
            linkHeaders = mailtoAddresses().isPresent()
                    ? ListUnsubscribeHeaders.withMailto(tokenSealer(), settings.required(Settings.PUBLIC_BASE_URL), mailtoAddresses().get())
                    : ListUnsubscribeHeaders.fromSettings(settings, tokenSealer());
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

    /** The public base URL, e.g. https://optout.example.com, without trailing slash. */
    public String publicBaseUrl() {
        return linkHeaders().baseUrl();
    }
}
