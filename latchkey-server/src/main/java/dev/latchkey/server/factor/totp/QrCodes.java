package dev.latchkey.server.factor.totp;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * QR codes as Stytch returns them: a {@code data:image/png;base64, ...} URI (with the space after the comma, as in
 * Stytch's replies; browsers ignore it). Drawn pixel by pixel into a 1-bit image: no AWT toolkit, no display.
 */
final class QrCodes {
  static final String DATA_URI_PREFIX = "data:image/png;base64, ";
  /** Pixels per module: about 200 px for a typical otpauth link, easy for a phone camera to read off a screen. */
  private static final int SCALE = 5;
  /** The white border the QR specification asks for, in modules. */
  private static final int QUIET_ZONE = 4;

  private QrCodes() {}

  static String pngDataUri(String text) {
    BitMatrix matrix;
    try {
      // Width and height 0 ask for one pixel per module; margin 0 because the quiet zone is drawn below.
      matrix = new QRCodeWriter().encode(text, com.google.zxing.BarcodeFormat.QR_CODE, 0, 0,
          Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 0));
    } catch (WriterException e) {
      throw new IllegalArgumentException("The text cannot be put in a QR code: " + e.getMessage(), e);
    }
    int size = (matrix.getWidth() + 2 * QUIET_ZONE) * SCALE;
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_BINARY);
    WritableRaster raster = image.getRaster();
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int mx = x / SCALE - QUIET_ZONE;
        int my = y / SCALE - QUIET_ZONE;
        boolean dark = mx >= 0 && my >= 0 && mx < matrix.getWidth() && my < matrix.getHeight() && matrix.get(mx, my);
        raster.setSample(x, y, 0, dark ? 0 : 1);
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", png)) {
        throw new IllegalStateException("this JDK has no PNG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return DATA_URI_PREFIX + Base64.getEncoder().encodeToString(png.toByteArray());
  }
}
