package dev.optout.http;

import java.util.Locale;

/** Media types as headers carry them ({@code Content-Type}, RFC 9110 section 8.3.1). */
public final class MediaType {
    private MediaType() {
    }

    /** The type without parameters, lower case: {@code multipart/form-data} of {@code Multipart/Form-Data; boundary=x}; "" for none. */
    public static String essence(String headerValue) {
        if (headerValue == null) {
            return "";
        }
        int semicolon = headerValue.indexOf(';');
        return (semicolon < 0 ? headerValue : headerValue.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }
}
