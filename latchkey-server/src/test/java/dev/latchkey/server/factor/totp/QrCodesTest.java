package dev.latchkey.server.factor.totp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.latchkey.server.crypto.Secrets;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Every QR code drawn reads back, with zxing's reader, as exactly the link it was drawn from. The reader is told
 * the image is a pure barcode (which it is): its camera-photo finder misreads a few percent of perfectly sharp
 * synthetic images, a quirk of that detector rather than of the image.
 */
class QrCodesTest {
  @Test
  void randomOtpauthLinksReadBackExactlyFromTheirPng() throws Exception {
    for (int i = 0; i < 40; i++) {
      String account = "user-" + Secrets.randomToken(6 + i) + "@example.com";
      String link = TotpService.otpauthUri("Latchkey", account, Base32.encode(Secrets.randomBytes(20)));

      String uri = QrCodes.pngDataUri(link);

      assertThat(uri).startsWith("data:image/png;base64, ");
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(
          Base64.getDecoder().decode(uri.substring("data:image/png;base64, ".length()))));
      assertThat(image).isNotNull();
      String read = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
          new BufferedImageLuminanceSource(image))), Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
      assertThat(read).isEqualTo(link);
    }
  }
}
