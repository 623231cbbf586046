package dev.latchkey.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The vendored chart library on the class path is the one its vendor.properties records (version, files, sha256 of
 * each). bin/check-vendored-uplot.sh ties those files to the npm registry's published package and its integrity.
 */
class VendoredUplotTest {
  private static final String DIR = "/admin/vendor/uplot/";

  @Test
  void theVendoredFilesAreTheOnesRecordedWithTheirVersionAndLicence() throws Exception {
    Properties recorded = new Properties();
    try (InputStream in = VendoredUplotTest.class.getResourceAsStream(DIR + "vendor.properties")) {
      recorded.load(in);
    }

    assertThat(recorded.getProperty("package")).isEqualTo("uplot");
    assertThat(recorded.getProperty("license")).isEqualTo("MIT");
    assertThat(recorded.getProperty("integrity")).startsWith("sha512-");
    for (String file : recorded.getProperty("files").split(" ")) {
      String name = file.substring(file.lastIndexOf('/') + 1);
      assertThat(sha256(DIR + name)).as(name).isEqualTo(recorded.getProperty("sha256." + name));
    }
    assertThat(new String(read(DIR + "uPlot.iife.min.js"), java.nio.charset.StandardCharsets.UTF_8))
        .startsWith("/*! https://github.com/leeoniya/uPlot (v" + recorded.getProperty("version") + ") */");
    assertThat(new String(read(DIR + "LICENSE"), java.nio.charset.StandardCharsets.UTF_8))
        .startsWith("The MIT License (MIT)");
  }

  @Test
  void theConsoleServesTheVendoredFilesUnderTheirOwnNames() {
    assertThat(AdminConsole.resource("uPlot.iife.min.js")).isEqualTo(DIR + "uPlot.iife.min.js");
    assertThat(AdminConsole.resource("uPlot.min.css")).isEqualTo(DIR + "uPlot.min.css");
    assertThat(AdminConsole.resource("live.js")).isEqualTo("/admin/live.js");
  }

  private static String sha256(String resource) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(read(resource)));
  }

  private static byte[] read(String resource) throws IOException {
    try (InputStream in = VendoredUplotTest.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource + " on the class path").isNotNull();
      return in.readAllBytes();
    }
  }
}
