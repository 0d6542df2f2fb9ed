package dev.optout.function.preferences;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.suppression.Action;
import dev.optout.suppression.Source;
import dev.optout.web.Language;
import dev.optout.web.Messages;
import org.junit.jupiter.api.Test;

/** The page's history shows every action and source: a value without a text would fail the page. */
class HistoryTextsTest {
    private final Messages messages = Messages.load("dev/optout/function/preferences/messages");

    @Test
    void everySourceAndActionHasATextInEveryLanguage() {
        for (Language language : Language.values()) {
            for (Source s : Source.values()) {
                assertThat(messages.keys(language)).as(language + " " + s).contains("source." + s.name());
            }
            for (Action a : Action.values()) {
                assertThat(messages.keys(language)).as(language + " " + a).contains("history." + a.name());
            }
        }
    }
}
