package io.cloudprovisioner.harness;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for the TLS tests, made at run time with BouncyCastle: a CA, server certificates for
 * 127.0.0.1 / localhost and client certificates with a given subject, written as PEM files (certificates; keys in
 * unencrypted PKCS#8, as both Quarkus and grpc-java read them). EC P-256 keys, valid from an hour ago for a day.
 */
public final class TestPki {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A CA that signs the certificates below. */
    public static final class Ca {
        final X500Name name;
        final KeyPair keys;
        final X509Certificate cert;

        private Ca(X500Name name, KeyPair keys, X509Certificate cert) {
            this.name = name;
            this.keys = keys;
            this.cert = cert;
        }

        public X509Certificate cert() {
            return cert;
        }

        /** Writes the CA certificate to {@code file}. */
        public Path writeCert(Path file) throws IOException {
            Files.writeString(file, pem(cert));
            return file;
        }

        /** A server certificate for {@code cn} with the SANs 127.0.0.1 and localhost: {@code <base>.crt/.key}. */
        public Issued server(String cn, Path dir, String base) throws Exception {
            return issue("CN=" + cn, true, dir, base);
        }

        /** A client certificate with the subject {@code subject} (e.g. "CN=ops-bot,O=Test"). */
        public Issued client(String subject, Path dir, String base) throws Exception {
            return issue(subject, false, dir, base);
        }

        private Issued issue(String subject, boolean server, Path dir, String base) throws Exception {
            KeyPair kp = ecKeys();
            X509v3CertificateBuilder b = builder(name, new X500Name(subject), kp);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(cert));
            if (server) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost")}));
            }
            X509Certificate c = sign(b, keys.getPrivate());
            Path crt = dir.resolve(base + ".crt");
            Path key = dir.resolve(base + ".key");
            Files.writeString(crt, pem(c));
            Files.writeString(key, pem(kp.getPrivate()));
            return new Issued(c, kp.getPrivate(), crt, key);
        }
    }

    /** An issued certificate and where its PEM files are. */
    public record Issued(X509Certificate cert, PrivateKey key, Path certFile, Path keyFile) {
    }

    private TestPki() {
    }

    /** A new self-signed CA named {@code cn}. */
    public static Ca ca(String cn) throws Exception {
        KeyPair kp = ecKeys();
        X500Name name = new X500Name("CN=" + cn);
        X509v3CertificateBuilder b = builder(name, name, kp);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false,
                new JcaX509ExtensionUtils().createSubjectKeyIdentifier(kp.getPublic()));
        return new Ca(name, kp, sign(b, kp.getPrivate()));
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair kp) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                kp.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o instanceof PrivateKey k ? new JcaPKCS8Generator(k, null) : o);
        }
        return w.toString();
    }
}
