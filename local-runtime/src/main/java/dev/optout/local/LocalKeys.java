package dev.optout.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local runtime's secrets, generated once and kept in {@code .optout/keys.json} (gitignored,
 * readable by the owner only) so that links printed or mailed in one run still work in the next.
 * Keyed by the template parameter that carries the secret's ARN, so the values go into local
 * secrets exactly where the template expects them.
 */
public final class LocalKeys {
    /** template.yaml parameter: the address-hash key secret (base64, 32 bytes). */
    public static final String ADDRESS_HASH_KEY_PARAMETER = "AddressHashKeySecretArn";
    /** template.yaml parameter: the link keys secret ({"active":..,"keys":{..}}). */
    public static final String LINK_KEYS_PARAMETER = "LinkKeysSecretArn";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private LocalKeys() {
    }

    /** The secrets for the given parameters, from the file, generating and saving the missing ones. */
    public static Map<String, String> loadOrCreate(Path file, Iterable<String> secretParameters) {
        try {
            ObjectNode stored = Files.exists(file) ? (ObjectNode) JSON.readTree(file.toFile()) : JSON.createObjectNode();
            boolean changed = false;
            Map<String, String> out = new LinkedHashMap<>();
            for (String parameter : secretParameters) {
                if (!stored.hasNonNull(parameter)) {
                    stored.put(parameter, generate(parameter));
                    changed = true;
                }
                out.put(parameter, stored.get(parameter).asText());
            }
            if (changed) {
                Files.createDirectories(file.getParent());
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(stored));
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system
                }
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return out;
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("cannot read or write " + file + ": " + e.getMessage()
                    + " (delete it to start with new keys; links made with the old ones stop working)", e);
        }
    }

    /** A fresh value for a secret parameter, in the format its secret holds. */
    public static String generateFor(String parameter) {
        return generate(parameter);
    }

    static String generate(String parameter) {
        switch (parameter) {
            case ADDRESS_HASH_KEY_PARAMETER:
                return randomKey();
            case LINK_KEYS_PARAMETER:
                ObjectNode keys = JSON.createObjectNode();
                keys.put("active", "k1");
                keys.putObject("keys").put("k1", randomKey());
                return keys.toString();
            default:
                throw new IllegalStateException("template.yaml has a secret parameter " + parameter
                        + " the local runtime cannot make up: add its value to .optout/keys.json");
        }
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
