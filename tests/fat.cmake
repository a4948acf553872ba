# SPDX-License-Identifier: Apache-2.0
# FAT filesystem (docs/fat.md): unit tests on volumes built byte by byte in
# memory, and the tool oracle: mkfs.fat and mcopy make the cards Ferry reads,
# fsck.fat -n and mtools judge the cards Ferry writes (tests/fat/*.sh drive
# Ferry through fat_tool). The scripts skip (77) without dosfstools/mtools.
add_executable(test_fat test_fat.c)
target_link_libraries(test_fat PRIVATE ferry_core ferry_testutil)
add_test(NAME fat.unit COMMAND test_fat)

add_executable(fat_tool fat/fat_tool.c)
target_link_libraries(fat_tool PRIVATE ferry_core)

# fat_oracle(NAME SCRIPT ARGS...): one tool-oracle test, its own scratch dir.
function(fat_oracle name script)
  add_test(NAME fat.${name}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/fat/${script} $<TARGET_FILE:fat_tool>
                   ${CMAKE_CURRENT_BINARY_DIR}/fat/${name} ${ARGN})
  set_tests_properties(fat.${name} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
endfunction()

# Geometries are SECTORS_PER_CLUSTER:VOLUME_KB; FAT32 volumes keep at least
# 65,525 clusters (mtools reads fewer as FAT12/16), so the large ones are
# sparse files.
fat_oracle(read_fat12 read.sh 12 0 1:1024 2:4096 8:8192 64:32768)
fat_oracle(read_fat16 read.sh 16 0 1:8192 2:16384 8:65536 64:262144)
fat_oracle(read_fat32 read.sh 32 0 1:34000 2:70000 8:300000 64:2200000)
fat_oracle(read_mbr12 read.sh 12 1 4:4096)
fat_oracle(read_mbr16 read.sh 16 1 2:16384)
fat_oracle(read_mbr32 read.sh 32 1 1:34000 8:300000)
fat_oracle(write_fat12 write.sh 12 0 1:1024 2:4096 8:8192 64:32768)
fat_oracle(write_fat16 write.sh 16 0 1:8192 2:16384 8:65536 64:262144)
fat_oracle(write_fat32 write.sh 32 0 1:34000 2:70000 8:300000 64:2200000)
fat_oracle(write_mbr12 write.sh 12 1 4:4096)
fat_oracle(write_mbr16 write.sh 16 1 2:16384)
fat_oracle(write_mbr32 write.sh 32 1 1:34000)
fat_oracle(full full.sh 12:1:1024 12:4:4096 16:1:4096 16:8:32768 32:1:34000)
fat_oracle(powercut powercut.sh 12:1:1024 12:4:4096 16:2:8192 32:1:34000)
