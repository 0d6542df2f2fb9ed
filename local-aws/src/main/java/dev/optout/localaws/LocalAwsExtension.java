package dev.optout.localaws;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5: {@code @ExtendWith(LocalAwsExtension.class)} and a {@link LocalAws} parameter. One
 * endpoint is started per test JVM, on first use, and stopped when the run ends.
 */
public final class LocalAwsExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LocalAwsExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalAws.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            return context.getRoot().getStore(NS)
                    .getOrComputeIfAbsent(LocalAws.class, k -> new Holder(LocalAws.start()), Holder.class).aws;
        } catch (IllegalStateException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }

    /** Closed by JUnit at the end of the run. */
    private record Holder(LocalAws aws) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            aws.close();
        }
    }
}
