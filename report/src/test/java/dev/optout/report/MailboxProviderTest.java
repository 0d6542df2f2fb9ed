package dev.optout.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MailboxProviderTest {
    @ParameterizedTest
    @CsvSource({"gmail.com,gmail.com", "GoogleMail.com,gmail.com", "outlook.com,outlook.com", "hotmail.co.uk,outlook.com",
            "live.com,outlook.com", "msn.com,outlook.com", "yahoo.co.id,yahoo.com", "ymail.com,yahoo.com", "aol.com,yahoo.com",
            "example.com,other", "gmail.example.com,other", "mail.yahoo-partner.example,other"})
    void eachDomainGoesToItsProvider(String domain, String provider) {
        assertThat(MailboxProvider.of(domain)).isEqualTo(provider);
    }

    @ParameterizedTest
    @CsvSource(value = {"NULL"}, nullValues = "NULL")
    void anErasedAddressHasNoKnownProvider(String domain) {
        assertThat(MailboxProvider.of(domain)).isEqualTo(MailboxProvider.UNKNOWN);
    }
}
