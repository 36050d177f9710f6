<#ftl output_format="plainText">
<#-- Email-confirmation mail (plain text), sent by POST …/token-login/email-confirmations. Reads link, realmName, linkExpirationMinutes. -->
${msg("emailConfirmationBodyIntro", (realmName!"")?replace(r"${", "$ {"))}

${link}

${msg("emailConfirmationBodyExpiry", linkExpirationMinutes)}

${msg("magicLinkBodyIgnore")}
