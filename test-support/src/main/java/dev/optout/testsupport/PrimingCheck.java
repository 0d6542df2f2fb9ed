package dev.optout.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressParser;
import dev.optout.config.Settings;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.SampleLinks;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.wiring.Wiring;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.crac.Resource;

/**
 * The promise every function's SnapStart priming makes: it runs the real request path against the
 * table and writes nothing. The handler is built from the template's environment on moto, the
 * table holds someone's opt-out, and the priming runs as Lambda runs it, through the
 * {@code org.crac} resources the handler registered ({@code beforeCheckpoint}, then
 * {@code afterRestore}); the table must be item for item as it was.
 */
public final class PrimingCheck {
    private PrimingCheck() {
    }

    /**
     * @param functionId       the function's logical id in template.yaml: its handler runs with its role's credentials
     * @param extraEnvironment variables the function needs beyond the sample environment
     * @param handler          builds the handler as its no-argument constructor does, from a {@link Wiring}
     */
    public static void primingWritesNothing(LocalAws aws, String functionId, Map<String, String> extraEnvironment,
                                            Function<Wiring, Object> handler) {
        Map<String, String> env = new HashMap<>(SampleLinks.functionEnvironment(aws));
        env.putAll(extraEnvironment);
        // the test's own writes as the admin; the handler as the function, with its role's credentials
        new Wiring(Settings.of(env)).store().apply(AddressParser.parseOrNull("ana@example.com"),
                Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, Instant.parse("2026-11-01T10:00:00Z"))));
        String table = env.get(Settings.TABLE_NAME);
        var before = aws.items(table);
        env.putAll(FunctionRole.environment(aws, functionId));

        RuntimeException failure = null;
        int hooks = 0;
        try {
            hooks = runSnapStartHooks(handler.apply(new Wiring(Settings.of(env))));
        } catch (RuntimeException | AssertionError e) {
            failure = e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
        }

        // first what the role lacks (on AWS the hook would fail there and no version would publish),
        // with the hook's own failure (moto's AccessDenied) attached
        try {
            FunctionRole.assertObservedCallsAllowed(functionId);
        } catch (AssertionError e) {
            if (failure != null) {
                e.addSuppressed(failure);
            }
            throw e;
        }
        if (failure != null) {
            throw failure;
        }
        assertThat(hooks).as("the handler registered its SnapStart hooks").isEqualTo(1);
        assertThat(aws.items(table)).as("the table after priming").isEqualTo(before).isNotEmpty();
    }

    /** As Lambda does for the resources a function registered: beforeCheckpoint (priming), then afterRestore. */
    private static int runSnapStartHooks(Object handler) {
        int found = 0;
        try {
            for (Field f : handler.getClass().getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || !Resource.class.isAssignableFrom(f.getType())) {
                    continue;
                }
                f.setAccessible(true);
                Resource hooks = (Resource) f.get(handler);
                if (hooks != null) {
                    hooks.beforeCheckpoint(null);
                    hooks.afterRestore(null);
                    found++;
                }
            }
        } catch (Exception e) {
            throw new AssertionError("SnapStart hooks failed: " + e, e);
        }
        return found;
    }
}
