<#-- Email magic link: the step's settings are invalid, so it does not run (the reason is in Keycloak's log and the
     error event; nothing about it is shown here). Other ways to sign in, if the flow has any, stay offered. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${msg("magicLink.misconfiguredTitle")}
    <#elseif section = "form">
        <!-- template: magic-link-misconfigured.ftl -->
        <p id="ml-misconfigured" class="pf-v5-u-mb-md">${msg("magicLink.misconfigured")}</p>
    </#if>
</@layout.registrationLayout>
