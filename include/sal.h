/*
 * sal.h: Microsoft's source-code annotation language (SAL 2.0), as the
 * WDK's sal.h and concurrencysal.h spell it. The annotations only guide
 * the Microsoft code analyzer, which the simulator does not run: every
 * one is empty, so an annotated driver compiles unchanged. Names from
 * the "Using SAL Annotations" pages of Microsoft's C++ documentation
 * (parameters, function behaviour, structures, locking).
 */
#ifndef _SAL_H_
#define _SAL_H_

/* Parameters: input, output, both; optional; sized in elements or
 * bytes; zero terminated. */
#define _In_
#define _In_opt_
#define _In_z_
#define _In_opt_z_
#define _In_reads_(size)
#define _In_reads_opt_(size)
#define _In_reads_bytes_(size)
#define _In_reads_bytes_opt_(size)
#define _In_reads_z_(size)
#define _In_reads_opt_z_(size)
#define _In_reads_or_z_(size)
#define _In_range_(lo, hi)
#define _Out_
#define _Out_opt_
#define _Out_writes_(size)
#define _Out_writes_opt_(size)
#define _Out_writes_bytes_(size)
#define _Out_writes_bytes_opt_(size)
#define _Out_writes_z_(size)
#define _Out_writes_opt_z_(size)
#define _Out_writes_to_(size, count)
#define _Out_writes_to_opt_(size, count)
#define _Out_writes_bytes_to_(size, count)
#define _Out_writes_bytes_to_opt_(size, count)
#define _Out_writes_all_(size)
#define _Out_writes_bytes_all_(size)
#define _Out_range_(lo, hi)
#define _Inout_
#define _Inout_opt_
#define _Inout_z_
#define _Inout_opt_z_
#define _Inout_updates_(size)
#define _Inout_updates_opt_(size)
#define _Inout_updates_bytes_(size)
#define _Inout_updates_bytes_opt_(size)
#define _Inout_updates_z_(size)
#define _Inout_updates_to_(size, count)
#define _Inout_updates_bytes_to_(size, count)
#define _Inout_updates_all_(size)
#define _Inout_updates_bytes_all_(size)
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_opt_result_maybenull_
#define _Outptr_result_buffer_(size)
#define _Outptr_result_bytebuffer_(size)
#define _Outptr_result_nullonfailure_
#define _Deref_out_range_(lo, hi)
#define _Reserved_
#define _Printf_format_string_
#define _Scanf_format_string_
#define _Frees_ptr_
#define _Frees_ptr_opt_

/* Pre- and postconditions. */
#define _Pre_notnull_
#define _Pre_maybenull_
#define _Pre_null_
#define _Pre_valid_
#define _Pre_z_
#define _Pre_satisfies_(cond)
#define _Post_notnull_
#define _Post_maybenull_
#define _Post_null_
#define _Post_valid_
#define _Post_invalid_
#define _Post_z_
#define _Post_satisfies_(cond)
#define _Post_equal_to_(expr)
#define _Post_readable_size_(size)
#define _Post_writable_size_(size)
#define _Post_readable_byte_size_(size)
#define _Post_writable_byte_size_(size)
#define _Post_ptr_invalid_
#define _Notnull_
#define _Maybenull_
#define _Null_terminated_
#define _NullNull_terminated_
#define _Const_
#define _Literal_
#define _Points_to_data_

/* Return values and function behaviour. */
#define _Check_return_
#define _Must_inspect_result_
#define _Success_(expr)
#define _Return_type_success_(expr)
#define _Ret_maybenull_
#define _Ret_notnull_
#define _Ret_z_
#define _Ret_range_(lo, hi)
#define _Ret_writes_(size)
#define _Ret_writes_bytes_(size)
#define _Ret_writes_maybenull_(size)
#define _Ret_writes_bytes_maybenull_(size)
#define _Result_nullonfailure_
#define _Result_zeroonfailure_
#define _Use_decl_annotations_
#define _When_(cond, anno)
#define _At_(target, anno)
#define _At_buffer_(target, iter, bound, anno)
#define _On_failure_(anno)
#define _Always_(anno)
#define _Group_(anno)
#define _Analysis_assume_(expr)
#define _Analysis_noreturn_
#define _Analysis_mode_(mode)

/* Structures. */
#define _Field_size_(size)
#define _Field_size_opt_(size)
#define _Field_size_bytes_(size)
#define _Field_size_bytes_opt_(size)
#define _Field_size_part_(size, count)
#define _Field_size_part_opt_(size, count)
#define _Field_size_bytes_part_(size, count)
#define _Field_size_bytes_part_opt_(size, count)
#define _Field_size_full_(size)
#define _Field_size_bytes_full_(size)
#define _Field_z_
#define _Field_range_(lo, hi)
#define _Struct_size_bytes_(size)

/* Locking (concurrencysal.h). */
#define _Guarded_by_(lock)
#define _Write_guarded_by_(lock)
#define _Interlocked_
#define _Interlocked_operand_
#define _Requires_lock_held_(lock)
#define _Requires_exclusive_lock_held_(lock)
#define _Requires_shared_lock_held_(lock)
#define _Requires_lock_not_held_(lock)
#define _Requires_no_locks_held_
#define _Acquires_lock_(lock)
#define _Acquires_exclusive_lock_(lock)
#define _Acquires_shared_lock_(lock)
#define _Acquires_nonreentrant_lock_(lock)
#define _Releases_lock_(lock)
#define _Releases_exclusive_lock_(lock)
#define _Releases_shared_lock_(lock)
#define _Releases_nonreentrant_lock_(lock)
#define _Post_same_lock_(a, b)
#define _Create_lock_level_(level)
#define _Has_lock_kind_(kind)
#define _Has_lock_level_(level)
#define _Lock_level_order_(a, b)
#define _No_competing_thread_
#define _Analysis_assume_lock_held_(lock)
#define _Analysis_assume_lock_not_held_(lock)
#define _Analysis_assume_same_lock_(a, b)
#define _Benign_race_begin_
#define _Benign_race_end_
#define _No_competing_thread_begin_
#define _No_competing_thread_end_

#endif
