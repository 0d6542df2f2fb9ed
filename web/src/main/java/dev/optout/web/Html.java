package dev.optout.web;

/** HTML output helpers. Everything that is not a literal of ours goes through {@link #escape}. */
public final class Html {
    private Html() {
    }

    /** Escapes text for element content and for quoted attribute values alike. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String r = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (r != null) {
                if (sb == null) {
                    sb = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                sb.append(r);
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** {@code <input type="hidden" name=".." value="..">} */
    public static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + escape(name) + "\" value=\"" + escape(value) + "\">";
    }

    /** A {@code <time>} element: machine-readable ISO instant, readable text. */
    public static String time(java.time.Instant at, Language language) {
        return "<time datetime=\"" + escape(at.toString()) + "\">" + escape(language.formatDateTime(at)) + "</time>";
    }
}
