<#import "template.ftl" as layout>
<#-- Email-confirmation mail (HTML), sent by POST …/token-login/email-confirmations. Reads link, realmName, linkExpirationMinutes.
     Every text is auto-escaped; the link is the only markup. -->
<@layout.emailLayout>
<p>${msg("emailConfirmationBodyIntro", (realmName!"")?replace(r"${", "$ {"))}</p>
<p><a href="${link}">${msg("emailConfirmationBodyLink")}</a></p>
<p>${msg("emailConfirmationBodyExpiry", linkExpirationMinutes)}</p>
<p>${msg("magicLinkBodyIgnore")}</p>
</@layout.emailLayout>
