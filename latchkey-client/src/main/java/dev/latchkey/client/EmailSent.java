package dev.latchkey.client;

/**
 * What a call that mails a link or a code answers: who it went to. For an email code, {@code methodId} is what
 * {@link OtpClient#authenticate} needs; {@code userCreated} is true when a {@code loginOrCreate} created the user,
 * and null for the calls that never create one.
 *
 * <pre>{@code
 * EmailSent sent = client.otps().loginOrCreate("ada@example.com").join();
 * client.otps().authenticate(sent.methodId(), codeFromTheMail, 60).join();
 * }</pre>
 */
public record EmailSent(String userId, String emailId, String methodId, Boolean userCreated) {}
