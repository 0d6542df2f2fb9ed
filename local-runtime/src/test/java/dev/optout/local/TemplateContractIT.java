package dev.optout.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.optout.config.Settings;
import dev.optout.localaws.FunctionDefinition;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.LocalDeployment;
import dev.optout.localaws.ProjectRoot;
import dev.optout.localaws.SampleLinks;
import dev.optout.localaws.Template;
import dev.optout.suppression.TableLayout;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * template.yaml held against the code: handlers exist in the built jars and accept the events
 * their triggers send; every variable the code reads is set where it is read; policies grant the
 * secrets each function reads; the table the tests and the local runtime create is the template's.
 */
class TemplateContractIT {
    private static final Path ROOT = ProjectRoot.find();
    private static final Template TEMPLATE = Template.load();

    private static final String EVENTS = "com.amazonaws.services.lambda.runtime.events.";
    private static final String REQUEST_HANDLER = "com.amazonaws.services.lambda.runtime.RequestHandler";
    private static final String STREAM_HANDLER = "com.amazonaws.services.lambda.runtime.RequestStreamHandler";

    /** Variables set by Lambda or used only by local runs and tests: never in template.yaml. */
    private static final Set<String> NOT_IN_TEMPLATE = Set.of(Settings.ADDRESS_HASH_KEY, Settings.LINK_KEYS,
            Settings.AWS_ENDPOINT_URL, Settings.AWS_REGION);
    /** Variables with a working default or meaning "none" when unset: the template may leave them out. */
    private static final Set<String> OPTIONAL = Set.of(Settings.TOPIC_CATALOG, Settings.UNSUBSCRIBE_MAILTO,
            Settings.SECRETS_REFRESH_SECONDS);

    @TestFactory
    Stream<DynamicTest> everyHandlerIsAClassInItsJarThatAcceptsTheEventItsTriggerSends() {
        return FunctionDefinition.all(TEMPLATE).stream().map(f -> DynamicTest.dynamicTest(f.logicalId(), () -> {
            Path module = f.moduleDirectory(ROOT);
            String moduleName = ROOT.relativize(module).toString().replace('\\', '/');
            assertThat(inReactor(moduleName)).as("%s's module %s is a module of the root pom.xml", f.logicalId(), moduleName)
                    .isTrue();
            Path jar = builtJar(f);
            try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
                Class<?> handler;
                try {
                    handler = Class.forName(f.handlerClass(), false, loader);
                } catch (ClassNotFoundException e) {
                    fail(f.logicalId() + ": Handler " + f.handler() + " names a class that is not in " + ROOT.relativize(jar));
                    return;
                }
                assertThat(Modifier.isPublic(handler.getModifiers()) && !Modifier.isAbstract(handler.getModifiers()))
                        .as("%s is a public concrete class", handler.getName()).isTrue();
                assertThat(handler.getConstructor().getParameterCount())
                        .as("%s has the public no-argument constructor Lambda calls", handler.getName()).isZero();
                assertThat(Stream.of(handler.getMethods()).map(java.lang.reflect.Method::getName))
                        .as("%s has the method %s", handler.getName(), f.handlerMethod()).contains(f.handlerMethod());

                List<String> triggers = f.events().values().stream().map(FunctionDefinition.EventSource::type).distinct().toList();
                if (triggers.contains("HttpApi")) {
                    assertThat(requestHandlerTypes(handler)).as("%s (HttpApi routes, payload 2.0)", f.logicalId())
                            .containsExactly(EVENTS + "APIGatewayV2HTTPEvent", EVENTS + "APIGatewayV2HTTPResponse");
                } else if (triggers.contains("SQS")) {
                    assertThat(requestHandlerTypes(handler)).as("%s (SQS with ReportBatchItemFailures)", f.logicalId())
                            .containsExactly(EVENTS + "SQSEvent", EVENTS + "SQSBatchResponse");
                } else if (triggers.contains("Schedule")) {
                    // an EventBridge schedule invokes asynchronously with its own event, which the handler reads raw
                    assertThat(triggers).as("%s: a scheduled function has no other event source", f.logicalId())
                            .containsExactly("Schedule");
                    assertThat(implementsInterface(handler, STREAM_HANDLER))
                            .as("%s is a RequestStreamHandler (it reads the schedule's event raw)", handler.getName()).isTrue();
                } else {
                    assertThat(triggers).as("%s: a direct-invoke function has no event sources", f.logicalId()).isEmpty();
                    assertThat(implementsInterface(handler, STREAM_HANDLER) || implementsInterface(handler, REQUEST_HANDLER))
                            .as("%s is a RequestStreamHandler or RequestHandler", handler.getName()).isTrue();
                }
            }
        }));
    }

    /**
     * The core/web split holds in what ships: a function the template gives no HttpApi route (the
     * direct-invoke check, the SQS consumers) has no class or resource of the web module
     * (dev.optout.http, dev.optout.web, the pages' form tokens) in its jar.
     * The web module's build output is the list, so a class added there is covered too.
     */
    @TestFactory
    Stream<DynamicTest> aFunctionWithoutHttpRoutesShipsNoWebModuleClass() throws IOException {
        Path webClasses = ROOT.resolve("web/target/classes");
        Set<String> webEntries = new TreeSet<>();
        if (Files.isDirectory(webClasses)) {
            try (Stream<Path> files = Files.walk(webClasses)) {
                files.filter(Files::isRegularFile)
                        .forEach(p -> webEntries.add(webClasses.relativize(p).toString().replace('\\', '/')));
            }
        }
        assertThat(webEntries).as("web/target/classes is built (mvn verify builds it before this module)")
                .contains("dev/optout/http/HttpRequest.class", "dev/optout/web/PageLayout.class");
        return FunctionDefinition.all(TEMPLATE).stream()
                .filter(f -> f.events().values().stream().noneMatch(e -> e.type().equals("HttpApi")))
                .map(f -> DynamicTest.dynamicTest(f.logicalId(), () -> {
                    Set<String> shipped = new TreeSet<>();
                    try (ZipFile jar = new ZipFile(builtJar(f).toFile())) {
                        jar.stream().map(ZipEntry::getName).filter(webEntries::contains).forEach(shipped::add);
                    }
                    assertThat(shipped).as("%s has no HttpApi route: web module classes in its jar", f.logicalId()).isEmpty();
                }));
    }

    /**
     * The compliance report is an operator's tool: only the command line depends on the report
     * module, so no function jar carries a class of its package.
     */
    @TestFactory
    Stream<DynamicTest> noFunctionShipsTheComplianceReport() {
        return FunctionDefinition.all(TEMPLATE).stream()
                .map(f -> DynamicTest.dynamicTest(f.logicalId(), () -> {
                    List<String> shipped = new ArrayList<>();
                    try (ZipFile jar = new ZipFile(builtJar(f).toFile())) {
                        jar.stream().map(ZipEntry::getName).filter(n -> n.startsWith("dev/optout/report/")).forEach(shipped::add);
                    }
                    assertThat(shipped).as("%s: compliance report classes in its jar", f.logicalId()).isEmpty();
                }));
    }

    /**
     * Which function reads which variable is observed, not typed here: each function's jar is
     * loaded on its own, its handler built (through its Wiring constructor, as the no-argument one
     * does) from the environment the template gives it against a local deployment, and its
     * Settings tell which names it asked for.
     */
    @Test
    @ExtendWith(LocalAwsExtension.class)
    void everyVariableTheCodeReadsIsSetOnEachFunctionThatReadsIt(LocalAws aws, @TempDir Path keys) throws Exception {
        LocalDeployment local = LocalDeployment.deploy(aws, TEMPLATE, "reads-" + System.nanoTime(),
                Map.of("PublicBaseUrl", "https://optout.example.com",
                        // the inbound function exists only with a receiving domain
                        "UnsubscribeMailDomain", SampleLinks.MAIL_DOMAIN),
                LocalKeys.loadOrCreate(keys.resolve("keys.json"), LocalRuntime.secretParameters(TEMPLATE)), line -> { });
        Set<String> settings = settingsNames();
        Set<String> readByAnyFunction = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (FunctionDefinition f : FunctionDefinition.all(TEMPLATE)) {
            Set<String> reads = new TreeSet<>(namesReadAtInit(f, LocalRuntime.environment(f, local, aws)));
            reads.removeIf(name -> NOT_IN_TEMPLATE.contains(name) || name.startsWith("AWS_"));
            readByAnyFunction.addAll(reads);
            for (String name : reads) {
                if (!settings.contains(name)) {
                    problems.add(f.logicalId() + " reads " + name + ", which is not a Settings name");
                } else if (!OPTIONAL.contains(name) && !f.environment().containsKey(name)) {
                    problems.add(f.logicalId() + " reads " + name + " but template.yaml does not set it");
                }
            }
            for (String name : f.environment().keySet()) {
                if (!settings.contains(name)) {
                    problems.add(f.logicalId() + " sets " + name + ", which no code reads (not a Settings name)");
                } else if (NOT_IN_TEMPLATE.contains(name)) {
                    problems.add(f.logicalId() + " sets " + name + ", which is local-only or reserved by Lambda");
                } else if (!reads.contains(name)) {
                    problems.add(f.logicalId() + " sets " + name + ", which it does not read");
                }
            }
        }
        Set<String> unread = new TreeSet<>(settings);
        unread.removeAll(NOT_IN_TEMPLATE);
        unread.removeAll(readByAnyFunction);
        assertThat(unread).as("Settings names no function reads").isEmpty();
        assertThat(problems).isEmpty();
    }

    /** Builds the function's handler from its own jar and answers the Settings names it read. */
    @SuppressWarnings("unchecked")
    private static Set<String> namesReadAtInit(FunctionDefinition f, Map<String, String> environment) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {builtJar(f).toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> settingsClass = Class.forName("dev.optout.config.Settings", true, loader);
            Class<?> wiringClass = Class.forName("dev.optout.wiring.Wiring", true, loader);
            Object settings = settingsClass.getMethod("of", Map.class).invoke(null, environment);
            Object wiring = wiringClass.getConstructor(settingsClass).newInstance(settings);
            Class.forName(f.handlerClass(), true, loader).getConstructor(wiringClass).newInstance(wiring);
            return (Set<String>) settingsClass.getMethod("namesRead").invoke(settings);
        }
    }

    private static Path builtJar(FunctionDefinition f) {
        Path jar = f.jar(ROOT);
        assertThat(jar).as("%s is built: run mvn package (mvn verify builds the function jars before this module's tests)",
                ROOT.relativize(jar)).exists();
        return jar;
    }

    @Test
    void eachFunctionMayReadExactlyTheSecretsItsEnvironmentNames() {
        List<String> problems = new ArrayList<>();
        for (FunctionDefinition f : FunctionDefinition.all(TEMPLATE)) {
            Set<String> named = new TreeSet<>();
            f.environment().forEach((k, v) -> {
                if (k.endsWith("_SECRET_ARN")) {
                    named.add(refName(v));
                }
            });
            Set<String> granted = new TreeSet<>();
            for (Map<String, Object> statement : statements(f.logicalId())) {
                if (asList(statement.get("Action")).contains("secretsmanager:GetSecretValue")) {
                    asList(statement.get("Resource")).forEach(r -> granted.add(refName(r)));
                }
            }
            if (!named.equals(granted)) {
                problems.add(f.logicalId() + ": environment names secrets " + named + ", policy grants " + granted);
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void thePresendCheckMayOnlyBatchReadTheTable() {
        Set<String> tableActions = new TreeSet<>();
        for (Map<String, Object> statement : statements("PresendCheckFunction")) {
            asList(statement.get("Action")).stream().filter(a -> a.startsWith("dynamodb:")).forEach(tableActions::add);
        }
        assertThat(tableActions).containsExactly("dynamodb:BatchGetItem");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theFeedbackFunctionTrustsOnlyTheTopicItsQueueIsSubscribedToAndTheQueueRefusesEveryoneElse() {
        Map<String, Object> env = FunctionDefinition.named(TEMPLATE, "SesFeedbackFunction").environment();
        Map<String, Object> subscription = TEMPLATE.properties("SesEventsSubscription");
        assertThat(refName(env.get(Settings.SES_EVENTS_TOPIC_ARN))).isEqualTo(refName(subscription.get("TopicArn")));
        assertThat(String.valueOf(env.get(Settings.SES_RAW_MESSAGE_DELIVERY)))
                .as("the function accepts raw bodies exactly when the subscription delivers them")
                .isEqualTo(String.valueOf(subscription.get("RawMessageDelivery")));
        assertThat(refName(env.get(Settings.SNS_SIGNATURE_VERIFICATION))).isEqualTo("!Ref SnsSignatureVerification");
        Map<String, Object> parameter = (Map<String, Object>) ((Map<String, Object>) TEMPLATE.root().get("Parameters"))
                .get("SnsSignatureVerification");
        assertThat(parameter.get("Default")).as("signature checking is on unless a deployment turns it off").isEqualTo("true");

        List<Map<String, Object>> statements = (List<Map<String, Object>>) ((Map<String, Object>) TEMPLATE
                .properties("SesEventsQueuePolicy").get("PolicyDocument")).get("Statement");
        assertThat(statements).anySatisfy(st -> {
            assertThat(st.get("Effect")).isEqualTo("Deny");
            assertThat(st.get("Principal")).isEqualTo("*");
            assertThat(asList(st.get("Action"))).contains("sqs:SendMessage");
            assertThat(String.valueOf(st.get("Condition"))).contains("ArnNotEquals").contains("aws:SourceArn")
                    .contains("SesEventsTopic");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theReceiptRuleInvokesTheInboundFunctionAsynchronouslyAndOnlySesOfThisAccountMay() {
        Map<String, Object> rule = (Map<String, Object>) TEMPLATE.properties("InboundUnsubscribeRule").get("Rule");
        assertThat(rule.get("ScanEnabled")).as("spam and virus verdicts need scanning").isEqualTo(true);
        Map<String, Object> lambda = (Map<String, Object>) ((Map<String, Object>) asObjects(rule.get("Actions")).get(0)).get("LambdaAction");
        assertThat(lambda.get("InvocationType")).isEqualTo("Event");
        // The alias (a published version): SnapStart applies only to versions.
        assertThat(refName(lambda.get("FunctionArn"))).isEqualTo("!Ref InboundUnsubscribeFunction.Alias");
        Map<String, Object> permission = TEMPLATE.properties("InboundUnsubscribePermission");
        assertThat(permission.get("Principal")).isEqualTo("ses.amazonaws.com");
        assertThat(refName(permission.get("SourceAccount"))).isEqualTo("!Ref AWS::AccountId");
        assertThat(refName(permission.get("SourceArn"))).contains("receipt-rule-set/${AWS::StackName}-unsubscribe-mail:receipt-rule/unsubscribe");
        assertThat(refName(permission.get("FunctionName"))).isEqualTo("!Ref InboundUnsubscribeFunction.Alias");
        Set<String> tableActions = new TreeSet<>();
        statements("InboundUnsubscribeFunction").forEach(st -> asList(st.get("Action")).stream()
                .filter(a -> a.startsWith("dynamodb:")).forEach(tableActions::add));
        // GetItem: its SnapStart priming reads the address's state before the checkpoint
        assertThat(tableActions).containsExactly("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem");
    }

    @Test
    @ExtendWith(LocalAwsExtension.class)
    void theTableTestsAndTheLocalRuntimeCreateIsTheOneTheTemplateDeclares(LocalAws aws) {
        Map<String, Object> declared = TEMPLATE.properties(Template.TABLE_ID);
        // What the code depends on (TableLayout): keys pk/sk, TTL attribute expiresAt, the sparse StopExpiry index on xDay.
        assertThat(declared.get("KeySchema").toString()).contains("AttributeName=pk, KeyType=HASH").contains("AttributeName=sk, KeyType=RANGE");
        assertThat(declared.get("TimeToLiveSpecification").toString()).contains("AttributeName=expiresAt");

        String testTable = aws.createSuppressionTable();
        LocalDeployment local = LocalDeployment.deploy(aws, TEMPLATE, "contract-" + System.nanoTime(), Map.of(), Map.of(), line -> { });
        for (String table : List.of(testTable, local.ref(Template.TABLE_ID))) {
            TableDescription d = aws.dynamoDb().describeTable(r -> r.tableName(table)).table();
            assertThat(d.keySchema()).extracting(k -> k.attributeName() + " " + k.keyTypeAsString())
                    .containsExactly("pk HASH", "sk RANGE");
            assertThat(d.attributeDefinitions()).extracting(a -> a.attributeName() + " " + a.attributeTypeAsString())
                    .containsExactlyInAnyOrder("pk S", "sk S", TableLayout.EXPIRY_DAY + " S");
            assertThat(d.globalSecondaryIndexes()).singleElement().satisfies(index -> {
                assertThat(index.indexName()).isEqualTo(TableLayout.STOP_EXPIRY_INDEX);
                assertThat(index.keySchema()).extracting(k -> k.attributeName() + " " + k.keyTypeAsString())
                        .containsExactly(TableLayout.EXPIRY_DAY + " HASH");
                assertThat(index.projection().projectionTypeAsString()).isEqualTo("KEYS_ONLY");
            });
            assertThat(aws.dynamoDb().describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription().attributeName())
                    .isEqualTo("expiresAt");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static boolean inReactor(String module) {
        try {
            return Files.exists(ROOT.resolve(module).resolve("pom.xml"))
                    && Files.readString(ROOT.resolve("pom.xml")).contains("<module>" + module + "</module>");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> settingsNames() throws IllegalAccessException {
        Set<String> names = new LinkedHashSet<>();
        for (var field : Settings.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                names.add((String) field.get(null));
            }
        }
        return names;
    }

    /** The type arguments of RequestHandler as the class (or a superclass) implements it. */
    private static List<String> requestHandlerTypes(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Type t : c.getGenericInterfaces()) {
                if (t instanceof ParameterizedType p && p.getRawType().getTypeName().equals(REQUEST_HANDLER)) {
                    return Stream.of(p.getActualTypeArguments()).map(Type::getTypeName).toList();
                }
            }
        }
        if (implementsInterface(type, STREAM_HANDLER)) {
            // A stream handler (the HTTP and SQS functions: their own JSON, no runtime POJO
            // serialization) names the event it reads by its typed handleRequest(event, Context),
            // which its stream entry point calls.
            for (java.lang.reflect.Method m : type.getMethods()) {
                Class<?>[] p = m.getParameterTypes();
                if (m.getName().equals("handleRequest") && p.length == 2 && !p[0].equals(java.io.InputStream.class)
                        && p[1].getName().equals("com.amazonaws.services.lambda.runtime.Context")) {
                    return List.of(p[0].getName(), m.getReturnType().getName());
                }
            }
        }
        return List.of("(" + type.getName() + " implements neither " + REQUEST_HANDLER
                + " nor a stream handler with a typed handleRequest(event, Context))");
    }

    private static boolean implementsInterface(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().equals(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(String functionId) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object policy : asObjects(TEMPLATE.properties(functionId).get("Policies"))) {
            Object p = policy instanceof Template.Tagged t && t.tag().equals("!If") ? ((List<Object>) t.value()).get(1) : policy;
            if (p instanceof Map<?, ?> m && m.get("Statement") != null) {
                asObjects(m.get("Statement")).forEach(s -> out.add((Map<String, Object>) s));
            }
        }
        return out;
    }

    private static List<Object> asObjects(Object o) {
        return o == null ? List.of() : o instanceof List<?> l ? new ArrayList<>(l) : List.of(o);
    }

    private static List<String> asList(Object o) {
        return asObjects(o).stream().map(TemplateContractIT::refName).toList();
    }

    private static String refName(Object v) {
        return v instanceof Template.Tagged t ? t.tag() + " " + t.value() : String.valueOf(v);
    }
}
