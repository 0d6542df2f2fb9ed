package dev.optout.localaws;

import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/** LocalStack through Testcontainers, for machines with a Docker engine and no moto. */
final class LocalStack {
    static final String IMAGE = "localstack/localstack:4.9";

    private LocalStack() {
    }

    static Optional<LocalAws> startIfDockerAvailable() {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            docker = false;
        }
        if (!docker) {
            return Optional.empty();
        }
        LocalStackContainer container = new LocalStackContainer(DockerImageName.parse(IMAGE))
                .withServices("dynamodb", "sns", "sqs", "ses", "secretsmanager");
        container.start();
        return Optional.of(LocalAws.of(container.getEndpoint(), "LocalStack " + IMAGE, container::stop));
    }
}
