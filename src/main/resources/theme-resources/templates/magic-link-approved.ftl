<#-- The code picked on this device matched: the other device is now signed in. Rendered outside the flow. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayInfo=false displayMessage=false; section>
    <#if section = "header">
        ${msg("magicLink.approvedTitle")}
    <#elseif section = "form">
        <!-- template: magic-link-approved.ftl -->
        <p id="ml-approved">${msg("magicLink.approvedText")}</p>
    </#if>
</@layout.registrationLayout>
