package dev.optout.testsupport;

import dev.optout.localaws.LocalIam;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Records the IAM action of every AWS call made with a function's role credentials (those
 * {@link LocalIam} issued), by function: {@code dynamodb:GetItem} for InboundUnsubscribeFunction.
 * Installed in every SDK client of a test JVM that has test-support on its class path, through the
 * SDK's global interceptors file ({@code software/amazon/awssdk/global/handlers/execution.interceptors}).
 * Each action is also appended to {@code target/iam-observed/<function>.txt}, for a look after a run.
 */
public final class CallRecorder implements ExecutionInterceptor {
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/]+)/[^/]+/[^/]+/([^/]+)/");
    private static final Map<String, Set<String>> OBSERVED = new ConcurrentHashMap<>();
    private static final Path OBSERVED_DIR = Path.of("target", "iam-observed");

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        Matcher m = CREDENTIAL.matcher(context.httpRequest().firstMatchingHeader("Authorization").orElse(""));
        if (!m.find()) {
            return;
        }
        LocalIam.functionOf(m.group(1)).ifPresent(function -> {
            String service = m.group(2);
            for (String operation : operations(context, attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                record(function, service + ":" + operation);
            }
        });
    }

    /** The actions a function's calls needed so far (empty where nothing ran with its role). */
    public static Set<String> observed(String functionId) {
        return Set.copyOf(OBSERVED.getOrDefault(functionId, Set.of()));
    }

    /** DynamoDB authorizes a transaction per item, by the item's own action (there is no Transact* permission). */
    private static Set<String> operations(Context.BeforeTransmission context, String operation) {
        Set<String> ops = new TreeSet<>();
        if (context.request() instanceof TransactWriteItemsRequest w) {
            w.transactItems().forEach(i -> {
                if (i.put() != null) {
                    ops.add("PutItem");
                }
                if (i.update() != null) {
                    ops.add("UpdateItem");
                }
                if (i.delete() != null) {
                    ops.add("DeleteItem");
                }
                if (i.conditionCheck() != null) {
                    ops.add("ConditionCheckItem");
                }
            });
        } else if (context.request() instanceof TransactGetItemsRequest) {
            ops.add("GetItem");
        } else if (operation != null) {
            ops.add(operation);
        }
        return ops;
    }

    private static void record(String function, String action) {
        if (OBSERVED.computeIfAbsent(function, f -> ConcurrentHashMap.newKeySet()).add(action)) {
            try {
                Files.createDirectories(OBSERVED_DIR);
                Files.writeString(OBSERVED_DIR.resolve(function + ".txt"), action + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                // the file is for a look after the run; the in-memory record is what tests check
            }
        }
    }
}
