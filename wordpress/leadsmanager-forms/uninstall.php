<?php
/**
 * Deleting the plugin (not deactivating it) drops its table, its options, its capability and its role.
 * WordPress loads this file alone, so the names are spelled out here.
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

global $wpdb;
$leadsmanager_table = $wpdb->prefix . 'leadsmanager_submissions';
$wpdb->query( "DROP TABLE IF EXISTS {$leadsmanager_table}" ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- a table name, not input.

foreach ( array( 'leadsmanager_forms_push', 'leadsmanager_forms_push_status', 'leadsmanager_forms_db_version' ) as $leadsmanager_option ) {
	delete_option( $leadsmanager_option );
}
foreach ( wp_roles()->role_objects as $leadsmanager_role ) {
	$leadsmanager_role->remove_cap( 'leadsmanager_read_submissions' );
}
remove_role( 'leadsmanager_sync' );
