package dev.optout.localaws;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository root (the folder holding template.yaml) from wherever a test or tool runs. */
public final class ProjectRoot {
    private ProjectRoot() {
    }

    public static Path find() {
        String configured = System.getProperty("optout.projectRoot");
        if (configured != null && Files.exists(Path.of(configured, "template.yaml"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("template.yaml")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the optout repository root (template.yaml) above "
                + Path.of("").toAbsolutePath() + "; set -Doptout.projectRoot");
    }
}
